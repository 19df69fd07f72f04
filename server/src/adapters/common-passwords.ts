import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the list sits relative to this module: from the sources, and from the build in dist/. */
const CANDIDATES = ['../../assets/common-passwords.txt', '../../../../server/assets/common-passwords.txt'].map(
  (relative) => fileURLToPath(new URL(relative, import.meta.url)),
);

/** The common-password blocklist, lower-cased, one per line. */
export function loadCommonPasswords(path?: string): ReadonlySet<string> {
  const file = path ?? CANDIDATES.find((candidate) => existsSync(candidate));
  if (file === undefined) throw new Error('common-passwords.txt not found next to the server');
  const lines = readFileSync(file, 'utf8').split('\n');
  return new Set(lines.map((line) => line.trim().toLowerCase()).filter((line) => line.length > 0));
}
