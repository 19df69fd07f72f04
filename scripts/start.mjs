// `npm start`: check the Node version, build whatever is missing (server, web client), then serve.
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);

// Before anything that needs node_modules: a clear line instead of a module-not-found stack trace.
if (!existsSync(new URL('node_modules/semver/package.json', root))) {
  console.error('parley: dependencies are not installed; run `npm ci` first');
  process.exit(1);
}
const { nodeVersionProblem } = await import('./lib/node-version.mjs');
const { engines } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const problem = nodeVersionProblem(process.versions.node, engines.node);
if (problem !== undefined) {
  console.error(problem);
  process.exit(1);
}

const { runQuietStep } = await import('./lib/quiet-step.mjs');
const steps = [
  { output: 'dist/server/src/main.js', label: 'server', args: ['run', '--silent', 'build:server'] },
  {
    output: 'web/dist/index.html',
    label: 'web client',
    args: ['run', '--silent', 'build:web', '--', '--logLevel', 'warn'],
  },
];
for (const { output, label, args } of steps) {
  if (existsSync(new URL(output, root))) continue;
  const status = runQuietStep({ label, command: 'npm', args });
  if (status !== 0) process.exit(status);
}

await import('../dist/server/src/main.js');
