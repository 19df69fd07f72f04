// `npm start`: build whatever is missing (server, web client), then serve.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  { output: 'dist/server/src/main.js', script: 'build:server' },
  { output: 'web/dist/index.html', script: 'build:web' },
];

for (const { output, script } of steps) {
  if (existsSync(output)) continue;
  console.log(`parley: ${output} is missing; running npm run ${script}`);
  const result = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await import('../dist/server/src/main.js');
