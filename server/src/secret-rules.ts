/**
 * What makes a secret too weak to sign tokens with. Each rule answers in words, so an operator
 * whose server refuses to start knows exactly what to fix.
 */
export const MIN_SECRET_LENGTH = 32;

/**
 * Words that mark a value copied from an example rather than generated. Five letters or more, so a
 * random secret practically never contains one by chance.
 */
const PLACEHOLDERS = [
  'changeme',
  'change-me',
  'change_me',
  'secret',
  'password',
  'example',
  'placeholder',
  'your-',
  'replace',
  'default',
  'insert',
  'generate',
];

/** Below this many bits of entropy per character (Shannon, over the secret's own characters). */
const MIN_BITS_PER_CHAR = 3;
// 10, not more: a random hex secret (16 symbols) has fewer than 12 distinct ones about once in 40,000.
const MIN_DISTINCT_CHARS = 10;

export function secretWeakness(secret: string): string | undefined {
  if (secret.length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters (rule: length)`;
  const lower = secret.toLowerCase();
  const placeholder = PLACEHOLDERS.find((word) => lower.includes(word));
  if (placeholder !== undefined)
    return `looks like a placeholder (contains "${placeholder}"); generate a random one (rule: placeholder)`;
  if (/^(.{1,16}?)\1+.{0,16}$/s.test(secret)) return 'is a short pattern repeated (rule: repetitive)';
  if (hasLongRun(secret)) return 'has long runs of one character or a sequence (rule: repetitive)';
  if (new Set(secret).size < MIN_DISTINCT_CHARS)
    return `uses fewer than ${MIN_DISTINCT_CHARS} distinct characters (rule: low-entropy)`;
  if (bitsPerChar(secret) < MIN_BITS_PER_CHAR) return `has too little entropy per character (rule: low-entropy)`;
  return undefined;
}

/** Eight or more characters of the same letter, or counting up or down by one (aaaa…, 1234…, abcd…). */
function hasLongRun(secret: string): boolean {
  let same = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < secret.length; i++) {
    const diff = secret.charCodeAt(i) - secret.charCodeAt(i - 1);
    same = diff === 0 ? same + 1 : 1;
    up = diff === 1 ? up + 1 : 1;
    down = diff === -1 ? down + 1 : 1;
    if (same >= 8 || up >= 8 || down >= 8) return true;
  }
  return false;
}

function bitsPerChar(secret: string): number {
  const counts = new Map<string, number>();
  for (const char of secret) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / secret.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
