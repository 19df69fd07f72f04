/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, what Array#sort does), no spaces, numbers
 * as JSON.stringify writes them. Two equal values give the same text, so an audit entry's details
 * hash the same whoever builds them and in whatever key order.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deeper than this is not a detail worth auditing, and it keeps the recursion bounded. */
const MAX_DEPTH = 16;

export class NotCanonicalJsonError extends Error {
  override name = 'NotCanonicalJsonError';
}

export function canonicalJson(value: JsonValue, depth = 0): string {
  if (depth > MAX_DEPTH) throw new NotCanonicalJsonError(`nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotCanonicalJsonError('numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!, depth + 1)}`).join(',')}}`;
  }
  // undefined, functions, symbols, bigints, class instances (Date, Map…): not JSON, refused rather than guessed.
  throw new NotCanonicalJsonError(`not a JSON value: ${typeof value}`);
}
