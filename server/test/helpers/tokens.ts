/**
 * Copies of a JWT that differ only in the unused low bits of the signature's last base64url
 * character (which jose still accepts), or with `=` padding appended. A revocation keyed on the
 * token string would miss them; Parley keys it on the session id.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function alteredCopies(token: string): string[] {
  const last = token.at(-1)!;
  const index = ALPHABET.indexOf(last);
  const siblings = [1, 2, 3].map((bits) => ALPHABET[(index & ~3) | ((index & 3) ^ bits)]!);
  return [...siblings.map((char) => token.slice(0, -1) + char), `${token}=`, `${token}==`];
}
