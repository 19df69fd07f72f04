import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { nodeVersionProblem } from '../../../scripts/lib/node-version.mjs';
import { formatDuration, runQuietStep } from '../../../scripts/lib/quiet-step.mjs';

const { engines } = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };

function collector() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

it('npm start refuses a Node outside package.json engines, in one line that names both', () => {
  for (const supported of ['20.19.0', '20.20.2', '22.13.0', '24.0.0', '26.1.0']) {
    expect(nodeVersionProblem(supported, engines.node)).toBeUndefined();
  }
  for (const old of ['18.20.4', '20.18.3', '21.7.3', '22.12.0', '23.11.0']) {
    const problem = nodeVersionProblem(old, engines.node);
    expect(problem).toBe(
      `parley: Node ${old} is not supported; Parley needs Node ${engines.node} (see the README's Quick start)`,
    );
  }
});

it('a build step that succeeds prints one line with its duration and none of the tool output', () => {
  const out = collector();
  const err = collector();
  const status = runQuietStep({
    label: 'web client',
    command: process.execPath,
    args: [
      '-e',
      'for (let i = 0; i < 60; i++) console.log("dist/assets/chunk-" + i + ".js  12.3 kB"); console.error("noise")',
    ],
    out,
    err,
  });
  expect(status).toBe(0);
  expect(out.text()).toMatch(/^parley: building web client… \d+(\.\d)? s\n$/);
  expect(err.text()).toBe('');
});

it('a build step that fails says so and shows the tool output, with its exit status', () => {
  const out = collector();
  const err = collector();
  const status = runQuietStep({
    label: 'server',
    command: process.execPath,
    args: ['-e', 'console.log("src/main.ts(3,1): error TS2304"); console.error("build failed"); process.exit(3)'],
    out,
    err,
  });
  expect(status).toBe(3);
  expect(out.text()).toMatch(/^parley: building server… failed after \d+(\.\d)? s\n$/);
  expect(err.text()).toContain('src/main.ts(3,1): error TS2304');
  expect(err.text()).toContain('build failed');
});

it('a build tool that cannot be started is a failure with a reason', () => {
  const out = collector();
  const err = collector();
  expect(runQuietStep({ label: 'server', command: 'parley-no-such-tool', args: [], out, err })).not.toBe(0);
  expect(err.text()).toContain('could not run parley-no-such-tool');
});

it('durations read as a person would say them', () => {
  expect(formatDuration(420)).toBe('0.4 s');
  expect(formatDuration(7_460)).toBe('7.5 s');
  expect(formatDuration(25_400)).toBe('25 s');
});
