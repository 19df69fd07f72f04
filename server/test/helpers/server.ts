import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadCommonPasswords } from '../../src/adapters/common-passwords.js';
import { selectAdapters } from '../../src/adapters/select-adapters.js';
import { BcryptHasher } from '../../src/adapters/password-bcrypt.js';
import { buildApp, type ParleyApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { Clock } from '../../src/ports/clock.js';
import type { PasswordHasher } from '../../src/ports/password-hasher.js';
import { systemClock } from '../../src/ports/clock.js';
import { checkApiResponses, type ResponseMismatch } from './openapi-check.js';

export interface TestServer {
  app: ParleyApp;
  url: string;
  wsUrl: string;
  origin: string;
  config: Config & { jwtSecret: string };
  dataDir: string;
  /** Every log line the server wrote, as raw JSON text. */
  logs: string[];
  /** Answers that did not match the OpenAPI document; close() fails when there are any. */
  responseMismatches: ResponseMismatch[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  clock?: Clock;
  dataDir?: string;
  /** Wraps the real bcrypt hasher (e.g. to count comparisons); it must still hash for real. */
  hasher?: (real: PasswordHasher) => PasswordHasher;
  /** Listen on this port (to start a server again where clients knew it); default 0, any free port. */
  port?: number;
  /**
   * Config values set after validation: lifetimes shorter than an operator may choose (a 2 s access
   * token, a session of seconds), so a test sees them lapse.
   */
  overrides?: Partial<Config>;
}

/**
 * Every test server runs many clients from 127.0.0.1, so limits are lifted unless a test sets its
 * own (the security suite does, to prove each limit).
 */
export const GENEROUS_LIMITS: Record<string, string> = {
  RATE_LIMIT_LOGIN_FREE_FAILURES: '1000',
  RATE_LIMIT_LOGIN_IP_PER_HOUR: '1000000',
  RATE_LIMIT_LOGIN_USER_PER_HOUR: '1000000',
  RATE_LIMIT_LOGIN_CONCURRENT_PER_IP: '100000',
  RATE_LIMIT_LOGIN_CONCURRENT_PER_USER: '100000',
  RATE_LIMIT_REGISTER_IP_PER_HOUR: '1000000',
  RATE_LIMIT_WS_UPGRADES_IP_PER_MINUTE: '1000000',
  WS_MAX_SOCKETS_PER_USER: '1000',
  RATE_LIMIT_REFRESH_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_REFRESH_SESSION_PER_MINUTE: '1000000',
  RATE_LIMIT_READS_PER_USER_PER_MINUTE: '1000000',
  RATE_LIMIT_SEARCHES_PER_USER_PER_MINUTE: '1000000',
  RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
  RATE_LIMIT_FRAMES_PER_SECOND: '1000000',
  RATE_LIMIT_FRAMES_BURST: '1000000',
  RATE_LIMIT_USER_FRAMES_PER_SECOND: '1000000',
  RATE_LIMIT_USER_FRAMES_BURST: '1000000',
  WS_MAX_QUEUED_FRAMES: '100000',
};

/** Returns a temporary directory that is removed by the returned cleanup. */
export function tempDir(prefix = 'parley-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A real Parley server on 127.0.0.1, port 0, with its own SQLite file. */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = options.dataDir === undefined ? tempDir() : undefined;
  const dataDir = options.dataDir ?? dir!.path;
  const config = {
    ...loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'debug',
      PUBLIC_DIR: 'web/dist',
      ...GENEROUS_LIMITS,
      ...options.env,
    }),
    ...options.overrides,
  };
  const jwtSecret = config.jwtSecret ?? randomBytes(48).toString('base64url');
  // Like main.ts in development: a generated key, unless the test set one (or none) itself.
  const totpEncryptionKey =
    options.overrides && 'totpEncryptionKey' in options.overrides
      ? config.totpEncryptionKey
      : (config.totpEncryptionKey ?? randomBytes(48).toString('base64url'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const responseMismatches: ResponseMismatch[] = [];
  const adapters = await selectAdapters(config);
  const app = await buildApp(
    { ...config, jwtSecret, totpEncryptionKey },
    {
      ...adapters,
      hasher: (options.hasher ?? ((real) => real))(new BcryptHasher(config.bcryptCost)),
      clock: options.clock ?? systemClock,
      logger: createLogger(config.logLevel, sink),
      commonPasswords: loadCommonPasswords(),
      nodeId: randomUUID(),
      // Every answer a test receives is checked against the OpenAPI document (issue 15).
      instrument: (http) => checkApiResponses(http, responseMismatches),
    },
  );
  const url = await app.listen(options.port ?? 0, '127.0.0.1');
  return {
    app,
    url,
    wsUrl: `${url.replace('http', 'ws')}/api/v1/ws`,
    origin: url,
    config: { ...config, jwtSecret, totpEncryptionKey },
    dataDir,
    logs,
    responseMismatches,
    async close() {
      await app.close();
      dir?.remove();
      if (responseMismatches.length > 0) {
        const list = responseMismatches.map((m) => `${m.method} ${m.route} ${m.status}: ${m.problem}`);
        throw new Error(`answers that do not match the OpenAPI document:\n${list.join('\n')}`);
      }
    },
  };
}
