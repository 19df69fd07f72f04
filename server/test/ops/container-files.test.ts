import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/server.js';
import { execForm, envOf, readStages } from '../helpers/dockerfile.js';

// No Docker engine runs in CI, so the container files are checked by linters from the npm registry
// (dockerfile-utils for the Dockerfile, dclint with the Compose schema for compose.yaml) and by our
// own rules below. production-layout.test.ts starts what the image would run.
const root = process.cwd();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const scratch = tempDir('parley-container-files-');
afterAll(() => scratch.remove());

interface DclintReport {
  messages: { rule: string; type: string; message: string; line: number }[];
}

/** dclint's JSON report for one compose file; schema validation is on (it is the first check dclint runs). */
function dclint(path: string): DclintReport {
  const result = spawnSync(join(root, 'node_modules/.bin/dclint'), [path, '-f', 'json', '--color', 'false'], {
    encoding: 'utf8',
  });
  const reports = JSON.parse(result.stdout) as DclintReport[];
  return { messages: reports.flatMap((report) => report.messages) };
}

describe('the Dockerfile', () => {
  const stages = readStages(join(root, 'Dockerfile'));
  const runtime = stages.at(-1)!;
  const build = stages.find((stage) => stage.name === 'build')!;
  const runtimeKeywords = runtime.instructions.map((item) => item.keyword);

  it('passes dockerfile-utils with no problem at all', () => {
    const problems = validate(read('Dockerfile'));
    const text = (p: (typeof problems)[number]) => (typeof p.message === 'string' ? p.message : p.message.value);
    expect(problems.map((p) => `line ${p.range.start.line + 1}: ${text(p)}`)).toEqual([]);
    // The linter does find problems when there are some.
    expect(validate('FROM node:20\nHEALTHCHECK NONE\nHEALTHCHECK CMD true\nEXPOSE 99999\n').length).toBeGreaterThan(0);
  });

  it('has a build stage and a runtime stage on the same slim Node 20 base', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    expect(read('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    for (const stage of stages) expect(stage.instructions[0]!.args).toMatch(/^\$\{NODE_IMAGE\} AS /);
  });

  it('runs as a user that is not root', () => {
    const user = runtime.instructions.filter((item) => item.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0', 'root:root']).not.toContain(user);
    // Nothing after USER switches back or installs anything.
    const after = runtime.instructions.slice(runtimeKeywords.lastIndexOf('USER') + 1);
    expect(after.filter((item) => item.keyword === 'RUN' || item.keyword === 'USER')).toEqual([]);
  });

  it('checks /health with node, keeps data in a volume, and starts the built server', () => {
    expect(execForm(runtime, 'HEALTHCHECK')).toEqual(['node', 'scripts/healthcheck.mjs']);
    expect(read('scripts/healthcheck.mjs')).toContain("path: '/health'");
    expect(runtime.instructions.find((item) => item.keyword === 'VOLUME')?.args).toBe('/data');
    expect(envOf(runtime)).toMatchObject({ DATA_DIR: '/data', NODE_ENV: 'production', HOST: '0.0.0.0' });
    const port = envOf(runtime)['PORT'];
    expect(runtime.instructions.find((item) => item.keyword === 'EXPOSE')?.args).toBe(port);
    // The entry npm start ends in, without npm start's build-if-missing step (there is no npm run build in the image).
    expect(execForm(runtime, 'CMD')).toEqual(['node', 'dist/server/src/main.js']);
    expect(read('scripts/start.mjs')).toContain("await import('../dist/server/src/main.js')");
  });

  it('ships no dev dependency: the build stage prunes them, the runtime stage installs nothing', () => {
    const buildRuns = build.instructions.filter((item) => item.keyword === 'RUN').map((item) => item.args);
    const prune = buildRuns.findIndex((run) => /npm prune --omit=dev/.test(run));
    const compile = buildRuns.findIndex((run) => /npm run build/.test(run));
    expect(compile).toBeGreaterThanOrEqual(0);
    expect(prune).toBeGreaterThanOrEqual(compile);
    const runtimeRuns = runtime.instructions.filter((item) => item.keyword === 'RUN').map((item) => item.args);
    for (const run of runtimeRuns) expect(run).not.toMatch(/\bnpm\b|\bapt-get\b|\byarn\b/);
    // Only built output, production modules and run-time files come across; never the sources.
    const copies = runtime.instructions.filter((item) => item.keyword === 'COPY').map((item) => item.args);
    for (const copy of copies) expect(copy).toMatch(/^--from=build /);
  });

  it('has a .dockerignore that keeps secrets, local state and host builds out of the context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', '.git', 'node_modules', 'dist', 'web/dist', 'data']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  const compose = read('compose.yaml');

  it('passes dclint, Compose schema included, with no problem at all', () => {
    expect(dclint(join(root, 'compose.yaml')).messages).toEqual([]);
    // The schema check is real: an unknown key and a bad restart policy are caught.
    const broken = join(scratch.path, 'compose.yaml');
    writeFileSync(broken, compose.replace('  nginx:\n', '  nginx:\n    bogus_key: 1\n'));
    expect(dclint(broken).messages.map((m) => m.rule)).toContain('invalid-schema');
  });

  it('runs PostgreSQL, Redis, two Parley nodes and nginx, each with a healthcheck', () => {
    const services = [...compose.matchAll(/^ {2}([a-z0-9-]+):$/gm)].map((match) => match[1]);
    expect(services).toEqual(expect.arrayContaining(['nginx', 'parley-1', 'parley-2', 'postgres', 'redis']));
    // The nodes share one anchor; every service, and the anchor, declares a healthcheck.
    expect(compose.match(/^ {4}healthcheck:$/gm)?.length).toBe(3);
    expect(compose).toMatch(/^x-parley-node: &parley-node\n(?: {2}.*\n|\n)* {2}healthcheck:$/m);
    expect(compose.match(/^ {4}<<: \*parley-node$/gm)?.length).toBe(2);
    // Start order follows health, not just creation.
    expect(compose.match(/condition: service_healthy/g)?.length).toBe(4);
  });

  it('trusts X-Forwarded-For from the network nginx is on, and marks cookies Secure', () => {
    const subnet = /subnet: (\S+)/.exec(compose)?.[1];
    expect(subnet).toBeDefined();
    expect(compose).toContain(`TRUST_PROXY: ${subnet}`);
    expect(compose).toContain("COOKIE_SECURE: 'true'");
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/server parley-1:3000/);
    expect(nginx).toMatch(/server parley-2:3000/);
    const ws = /location = \/api\/v1\/ws \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    for (const line of [
      'proxy_http_version 1.1;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection $connection_upgrade;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    ]) {
      expect(ws).toContain(line);
    }
  });

  it('takes every secret from the uncommitted env file, never from itself', () => {
    for (const name of ['JWT_SECRET', 'PGPASSWORD', 'POSTGRES_PASSWORD']) {
      const values = [...compose.matchAll(new RegExp(`^ +${name}: (.*)$`, 'gm'))].map((match) => match[1]);
      expect(values.length, name).toBeGreaterThan(0);
      for (const value of values) expect(value, name).toMatch(/^\$\{[A-Z_]+:\?[^}]*\}$/);
    }
    expect(compose).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]*@/);
    // Each variable compose needs is documented, without a value, in the committed example.
    const example = read('.env.example');
    for (const name of ['JWT_SECRET', 'POSTGRES_PASSWORD', 'PARLEY_ORIGIN']) {
      expect(example).toMatch(new RegExp(`^# ${name}=`, 'm'));
      expect(example).not.toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });

  it('never commits the env file or the TLS key', () => {
    const ignored = read('.gitignore').split('\n');
    expect(ignored).toContain('.env');
    expect(ignored).toContain('deploy/tls/');
    if (existsSync(join(root, '.git'))) {
      const tracked = execFileSync('git', ['ls-files', '--', '.env', 'deploy/tls'], { cwd: root, encoding: 'utf8' });
      expect(tracked).toBe('');
    }
  });
});
