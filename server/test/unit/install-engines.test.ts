import { readFileSync } from 'node:fs';
import semver from 'semver';
import { expect, it } from 'vitest';

/**
 * `npm ci` warns EBADENGINE for every installed package whose `engines.node` rejects the running Node.
 * The README promises the Node lines in package.json's `engines`, so every package in the lock file
 * must accept the lowest release of each of those lines. The lock file records each package's
 * `engines`, so this needs no network and no install.
 */
interface LockEntry {
  version?: string;
  optional?: boolean;
  engines?: { node?: string } | string[];
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** The lowest Node of each line we claim: `^20.19.0 || ^22.13.0 || >=24` gives 20.19.0, 22.13.0, 24.0.0. */
function lowestOfEachLine(range: string): string[] {
  return range.split('||').map((line) => semver.minVersion(line.trim())!.version);
}

function nodeRange(entry: LockEntry): string | undefined {
  return Array.isArray(entry.engines) ? undefined : entry.engines?.node;
}

it('package.json engines starts at Node 20.19.0, as the README says', () => {
  const lines = lowestOfEachLine(manifest.engines.node);
  expect(lines[0]).toBe('20.19.0');
  expect([...lines].sort(semver.compare)).toEqual(lines);
  expect(readFileSync('README.md', 'utf8')).toContain(`\`${manifest.engines.node}\``);
});

/** `name@version wants node RANGE, not VERSION` for each installed package that refuses one of `nodes`. */
function refusedBy(packages: Record<string, LockEntry>, nodes: string[]): string[] {
  const refused: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    const range = nodeRange(entry);
    // The root is this project. Optional packages whose engines refuse the running Node are never
    // installed (npm marks them inert, without a warning); one the build needed would fail it loudly.
    if (path === '' || range === undefined || entry.optional === true) continue;
    const name = path.replace(/^.*node_modules\//, '');
    for (const node of nodes) {
      if (!semver.satisfies(node, range)) refused.push(`${name}@${entry.version} wants node ${range}, not ${node}`);
    }
  }
  return refused;
}

it('every package that npm installs accepts the lowest Node of every line we support', () => {
  expect(refusedBy(lock.packages, lowestOfEachLine(manifest.engines.node))).toEqual([]);
});

it('the check catches the packages that used to warn on Node 20 (commander@15 via katex, cookie@2)', () => {
  const before: Record<string, LockEntry> = {
    'node_modules/katex/node_modules/commander': { version: '15.1.0', engines: { node: '>=22.12.0' } },
    'node_modules/light-my-request/node_modules/cookie': { version: '2.0.2', engines: { node: '>=22' } },
    'node_modules/@napi-rs/lzma-linux-x64-gnu': { version: '1.5.1', optional: true, engines: { node: '>=25' } },
  };
  expect(refusedBy(before, ['20.19.0'])).toEqual([
    'commander@15.1.0 wants node >=22.12.0, not 20.19.0',
    'cookie@2.0.2 wants node >=22, not 20.19.0',
  ]);
});
