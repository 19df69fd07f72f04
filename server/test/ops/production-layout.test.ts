import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyServerAssets } from '../../../scripts/lib/server-assets.mjs';
import { GOOD_PASSWORD, request, uniqueName } from '../helpers/http.js';
import { tempDir } from '../helpers/server.js';
import { copiesFrom, envOf, execForm, readStages } from '../helpers/dockerfile.js';

// What the image would run, without Docker: the build stage's result (npm run build's output and
// node_modules pruned of dev dependencies) in a temporary /app, assembled by the runtime stage's own
// COPY --from=build lines, started with its ENV, CMD and HEALTHCHECK, as an unprivileged user that
// owns DATA_DIR and nothing else.
const root = process.cwd();
const scratch = tempDir('parley-layout-');
const buildDir = join(scratch.path, 'build'); // the build stage's /app
const appDir = join(scratch.path, 'app'); // the runtime stage's /app
const dataDir = join(scratch.path, 'data'); // the volume
const stages = readStages(join(root, 'Dockerfile'));
const runtime = stages.at(-1)!;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
// Root here (CI containers): drop to nobody, as USER does in the image. Anyone else is unprivileged already.
const asRoot = process.getuid?.() === 0;
const NOBODY = { uid: 65534, gid: 65534 };
const unprivileged = (command: string[]) =>
  asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command] : command;

let server: ChildProcess | undefined;
let exited: Promise<number | null>;
const output: string[] = [];

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${text}`)),
    );
  });
}

/** Docker's COPY: a destination ending in / receives the source under its own name. */
function copyInto(source: string, destination: string): void {
  const from = existsSync(join(buildDir, source)) ? join(buildDir, source) : join(root, source);
  const to = destination.endsWith('/') ? join(appDir, destination, basename(source)) : join(appDir, destination);
  mkdirSync(join(to, '..'), { recursive: true });
  // node_modules is 100 MB of copy already made for this; moving it is the same layout, faster.
  if (from.startsWith(buildDir)) renameSync(from, to);
  else cpSync(from, to, { recursive: true });
}

beforeAll(async () => {
  // The build scripts this mirrors; a change there must change this test too.
  expect(packageJson.scripts['build']).toBe('npm run build:server && npm run build:web');
  expect(packageJson.scripts['build:server']).toBe('tsc -p tsconfig.build.json && node scripts/copy-server-assets.mjs');
  expect(packageJson.scripts['build:web']).toBe('vite build --config web/vite.config.ts');
  mkdirSync(buildDir, { recursive: true });
  cpSync(join(root, 'package.json'), join(buildDir, 'package.json'));
  cpSync(join(root, 'package-lock.json'), join(buildDir, 'package-lock.json'));
  // npm run build, with its output in the build directory rather than over the worktree's own
  // dist/ and web/dist/, which other tests serve meanwhile. Server and web client build side by side.
  await Promise.all([
    run(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(buildDir, 'dist')],
      root,
    ).then(() => copyServerAssets(root, join(buildDir, 'dist'))),
    run(
      process.execPath,
      [
        join(root, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        'web/vite.config.ts',
        '--outDir',
        join(buildDir, 'web/dist'),
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      root,
    ),
    // npm ci would compile better-sqlite3 and bcrypt again for minutes; the installed tree, copied and
    // pruned offline, is the same production tree.
    run('cp', ['-r', join(root, 'node_modules'), join(buildDir, 'node_modules')], root).then(() =>
      run('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], buildDir),
    ),
  ]);
  for (const { source, destination } of copiesFrom(runtime, 'build')) {
    copyInto(source.replace(/^\/app\//, ''), destination);
  }
  // The volume belongs to the server's user; everything else stays root's and read-only to it.
  chmodSync(scratch.path, 0o755);
  mkdirSync(dataDir);
  if (asRoot) chownSync(dataDir, NOBODY.uid, NOBODY.gid);
}, 180_000);

afterAll(async () => {
  if (server?.exitCode === null) {
    server.kill('SIGKILL');
    await exited;
  }
  scratch.remove();
});

it('ships production dependencies only', () => {
  for (const name of Object.keys(packageJson.devDependencies)) {
    expect(existsSync(join(appDir, 'node_modules', name)), name).toBe(false);
  }
  expect(existsSync(join(appDir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
  // Built output, not sources.
  expect(existsSync(join(appDir, 'server/src'))).toBe(false);
  expect(existsSync(join(appDir, 'web/dist/index.html'))).toBe(true);
});

it('starts as an unprivileged user, passes its HEALTHCHECK, registers and logs in, and stops on SIGTERM', async () => {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    ...envOf(runtime),
    // The image listens on 0.0.0.0:3000; here a free loopback port, and the volume's path on this machine.
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    COOKIE_SECURE: 'true',
    BCRYPT_COST: '4',
  };
  const [command, ...args] = unprivileged(execForm(runtime, 'CMD')!);
  server = spawn(command!, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((resolve) => server!.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output.join(''));
      if (match) resolve(match[1]!);
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output.join('')}`)));
  });
  // The process that listens is not root (setpriv execs node: same PID).
  const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1];
  expect(Number(uid)).not.toBe(0);
  expect(statSync(join(dataDir, 'parley.db')).uid).toBe(Number(uid));

  // The image's HEALTHCHECK command, run the way Docker runs it: in WORKDIR, as USER, with ENV.
  const port = new URL(url).port;
  const [hcCommand, ...hcArgs] = unprivileged(execForm(runtime, 'HEALTHCHECK')!);
  const health = spawnSync(hcCommand!, hcArgs, { cwd: appDir, env: { ...env, PORT: port }, encoding: 'utf8' });
  expect(health.status, health.stderr).toBe(0);

  const username = uniqueName('layout');
  const registered = await request(`${url}/api/v1/auth/register`, { body: { username, password: GOOD_PASSWORD } });
  expect(registered.status).toBe(201);
  const login = await request<{ accessToken: string }>(`${url}/api/v1/auth/login`, {
    body: { username, password: GOOD_PASSWORD },
  });
  expect(login.status).toBe(200);
  expect(login.body.accessToken).toMatch(/^ey/);
  expect(login.headers.getSetCookie().some((line) => line.startsWith('__Host-parley_fp='))).toBe(true);
  const page = await request(`${url}/`);
  expect(page.status).toBe(200);

  server.kill('SIGTERM');
  expect(await exited).toBe(0);
  // Production logs are JSON lines, one per event.
  for (const line of output
    .join('')
    .split('\n')
    .filter((text) => text.length > 0)) {
    expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  }
}, 60_000);
