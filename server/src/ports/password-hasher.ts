/**
 * Hashes and checks passwords. The adapter (bcrypt) decides the cost; `verify` must take about the
 * same time for a match and a mismatch.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}
