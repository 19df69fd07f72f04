/**
 * A server under test as a child process on 127.0.0.1: started with its own environment, ready once
 * it logs a JSON line carrying `"url":"http://…"`, stopped by its own PID (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { onExit } from './cleanup.js';

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  wsUrl: string;
  /** The last lines it wrote, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;

export function startServerProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString('utf8'));
    if (lines.length > 50) lines.shift();
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    forget();
    if (child.exitCode !== null || child.signalCode !== null) return;
    kill(child, 'SIGTERM');
    const forced = setTimeout(() => kill(child, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(forced);
  };
  const forget = onExit(stop);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(child, 'SIGKILL');
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms:\n${lines.join('')}`));
    }, START_TIMEOUT_MS);
    let started = false;
    child.stdout.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (started) return;
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(chunk.toString('utf8'));
      if (!match || child.pid === undefined) return;
      started = true;
      clearTimeout(timer);
      const url = match[1]!;
      resolve({
        name,
        pid: child.pid,
        url,
        wsUrl: `${url.replace('http:', 'ws:')}/api/v1/ws`,
        tail: () => lines.join(''),
        stop,
      });
    });
    child.stderr.on('data', keep);
    void exited.then(() => {
      forget();
      if (started) return;
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${child.exitCode ?? child.signalCode}:\n${lines.join('')}`));
    });
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, signal);
}
