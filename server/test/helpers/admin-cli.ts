import { spawn } from 'node:child_process';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only stops a CLI run that hangs: tsx compiles the entry on each start, slow on a loaded machine. */
const CLI_CEILING_MS = 90_000;

/**
 * Runs the admin CLI (server/src/cli/admin.ts through tsx, as `npm run admin` does) as its own
 * process with only the given environment, and resolves once it has exited.
 */
export function runAdminCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/admin.ts', ...args], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`admin CLI did not exit within ${CLI_CEILING_MS / 1000} s:\n${stdout}${stderr}`));
    }, CLI_CEILING_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
