/**
 * The composition root: reads the config, picks the adapters, listens, and shuts down gracefully.
 */
import { randomUUID } from 'node:crypto';
import { BcryptHasher } from './adapters/password-bcrypt.js';
import { loadCommonPasswords } from './adapters/common-passwords.js';
import { selectAdapters } from './adapters/select-adapters.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { blobsWarning } from './config-blobs.js';
import { loadOrCreateDevSecret } from './edge/auth/dev-secret.js';
import { createLogger } from './logger.js';
import { systemClock } from './ports/clock.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`parley: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, config.logFormat);

  let jwtSecret = config.jwtSecret;
  if (jwtSecret === undefined) {
    const dev = loadOrCreateDevSecret(config.dataDir);
    jwtSecret = dev.secret;
    logger.warn(
      { path: dev.path, created: dev.created },
      'JWT_SECRET is not set; using a generated development secret',
    );
  }

  let totpEncryptionKey = config.totpEncryptionKey;
  if (totpEncryptionKey === undefined && config.env !== 'production') {
    const dev = loadOrCreateDevSecret(config.dataDir, 'totp-key');
    totpEncryptionKey = dev.secret;
    logger.warn(
      { path: dev.path, created: dev.created },
      'TOTP_ENCRYPTION_KEY is not set; using a generated development key',
    );
  }

  const blobs = blobsWarning(config.blobs, config.redis !== undefined);
  if (blobs !== undefined) logger.warn({ blobStore: config.blobs.kind }, blobs);

  const adapters = await selectAdapters(config);
  const app = await buildApp(
    { ...config, jwtSecret, totpEncryptionKey },
    {
      ...adapters,
      hasher: new BcryptHasher(config.bcryptCost),
      clock: systemClock,
      logger,
      commonPasswords: loadCommonPasswords(),
      nodeId: randomUUID(),
    },
  );
  const url = await app.listen();
  logger.info(
    {
      url,
      database: config.database.kind,
      redis: config.redis !== undefined,
      tls: config.tls !== undefined,
      env: config.env,
    },
    'parley is listening',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Crash loudly but leave a trace: a structured line before the process ends.
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`parley: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
