import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it, TestRunner, type TestFunction } from 'vitest';

/**
 * The public attack corpora (XSS, SQL injection, naughty strings; see their SOURCES.md). They live
 * outside the repository, in `../shared/corpora` beside it, or wherever `PARLEY_CORPORA` points.
 *
 * A fresh clone has no `../shared`: there the tests that read a corpus are skipped, each named in a
 * warning that says why, and every other test in their files still runs. Under `CI` (any value but
 * `false` or `0`) nothing skips: a corpus test whose corpora are missing fails, saying where it looked.
 */
export const CORPORA_DIR = resolve(
  process.env['PARLEY_CORPORA'] ?? fileURLToPath(new URL('../../../../shared/corpora', import.meta.url)),
);

const ci = process.env['CI'] !== undefined && !['', 'false', '0'].includes(process.env['CI'].toLowerCase());
const present = existsSync(CORPORA_DIR);
const where = relative(process.cwd(), CORPORA_DIR) || CORPORA_DIR;

/** True when corpus tests are left out of this run (no corpora, not CI). */
export const corporaSkipped = !present && !ci;

export const CORPORA_SKIP_REASON = `corpus tests skipped: ${where} not found (set PARLEY_CORPORA to the corpora directory); CI=true makes this a failure`;

let warned = false;

/**
 * `it` for a test that reads a corpus: skipped, and named in a warning, when the corpora are absent
 * outside CI; failing with where it looked when they are absent in CI.
 */
export function corpusIt(name: string, fn: TestFunction, timeout?: number): void {
  if (corporaSkipped) {
    // Vitest lists skipped tests by name only when it runs one file, so the warning names them.
    console.warn(`${warned ? '' : `${CORPORA_SKIP_REASON}\n`}  skipped: ${fullName(name)}`);
    warned = true;
    it.skip(name, fn, timeout);
    return;
  }
  it(
    name,
    async (context) => {
      requireCorpora();
      await fn(context);
    },
    timeout,
  );
}

/** `suite > inner suite > test`, as Vitest names a test. */
function fullName(name: string): string {
  const suite = TestRunner.getCurrentSuite()?.suite?.fullTestName;
  return suite ? `${suite} > ${name}` : name;
}

function requireCorpora(): void {
  if (!present) {
    throw new Error(
      `attack corpora not found at ${CORPORA_DIR}: CI=true runs every corpus test. Put shared/ beside the ` +
        'repository or set PARLEY_CORPORA to the corpora directory.',
    );
  }
}

/** The absolute path of one corpus file; a missing file is always an error, even outside CI. */
export function corpusPath(file: string): string {
  requireCorpora();
  const path = join(CORPORA_DIR, file);
  if (!existsSync(path)) throw new Error(`corpus file missing: ${path} (the corpora directory is incomplete)`);
  return path;
}

export function corpusText(file: string): string {
  return readFileSync(corpusPath(file), 'utf8');
}

/** The corpus's non-empty lines. */
export function corpusLines(file: string): string[] {
  return corpusText(file)
    .split('\n')
    .filter((line) => line.length > 0);
}

export function corpusJson<T>(file: string): T {
  return JSON.parse(corpusText(file)) as T;
}
