import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/**
 * Runs one build step of `npm start` as a single line, `parley: building web client… 25 s`. The tool's
 * own output (Vite's asset listing, tsc's silence) is kept back and shown only when the step fails,
 * because that is the only time a person needs it. Returns the step's exit status.
 */
export function runQuietStep({ label, command, args, out = process.stdout, err = process.stderr }) {
  out.write(`parley: building ${label}… `);
  const started = performance.now();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const took = formatDuration(performance.now() - started);
  if (result.status === 0) {
    out.write(`${took}\n`);
    return 0;
  }
  out.write(`failed after ${took}\n`);
  err.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.error) err.write(`parley: could not run ${command}: ${result.error.message}\n`);
  return result.status ?? 1;
}

/** `0.4 s`, `7.5 s`, `25 s`: a tenth of a second where it is worth reading, whole seconds after 10. */
export function formatDuration(ms) {
  const seconds = ms / 1000;
  return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}
