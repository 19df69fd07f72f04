import { z } from 'zod';
import { Limits } from '../../protocol/index.js';
import { MIN_SECRET_LENGTH, secretWeakness } from './secret-rules.js';
import { TlsConfigProblem, TlsFiles } from './tls-files.js';
import { MetricsEnv, parseMetrics, type MetricsConfig } from './config-metrics.js';
import { parseDatabaseUrl, type DatabaseConfig } from './config-database.js';
import { parseOrigins } from './config-origins.js';
import { parseWebAuthn, type WebAuthnConfig } from './config-webauthn.js';
import { parseOidc, type OidcConfig } from './config-oidc.js';

/**
 * Every option, read once from the environment and validated; an unknown or malformed value stops
 * the server with a message naming the variable. Each option says its unit and default here and in
 * `.env.example`.
 */
const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const count = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const EnvSchema = z.object({
  /** TCP port to listen on. Default 3000; 0 picks a free port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to bind. Default 127.0.0.1 (local only); set 0.0.0.0 or :: to accept remote clients. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** development | production | test. Production refuses weak or missing secrets. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Where local state lives (SQLite file, generated development secret). Default ./data. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** `sqlite:<path>`, `sqlite::memory:` or `postgres://user@host:port/db`. Default: sqlite:<DATA_DIR>/parley.db. */
  DATABASE_URL: z.string().optional(),
  /**
   * SQLite commit durability. normal (default): a commit survives a crash or kill of the server
   * process; full: it also survives a power cut, at one fsync per commit on the event loop.
   */
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  /** PostgreSQL connections per node. Default 10. */
  DATABASE_POOL_SIZE: count(10, 1, 200),
  /** `redis://host:port` turns on the shared bus, presence and rate limits (many nodes). Unset: one node. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every Redis key and channel, so deployments can share a Redis. Default parley. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:-]{1,64}$/)
    .default('parley'),
  /** HMAC key for access tokens, >= 32 characters. Development generates one if unset. */
  JWT_SECRET: z.string().optional(),
  /** The previous JWT_SECRET while rotating: tokens it signed are still accepted until they expire. */
  JWT_SECRET_PREVIOUS: z.string().optional(),
  /**
   * Key material for the TOTP secrets at rest (AES-256-GCM, key derived with HKDF), >= 32 random
   * characters, different from JWT_SECRET. Development generates one if unset; production without
   * it refuses TOTP enrolment (503 TOTP_UNAVAILABLE). Changing it makes enrolled authenticators unreadable.
   */
  TOTP_ENCRYPTION_KEY: z.string().optional(),
  /** Access token lifetime in seconds. Default 900 (15 minutes). */
  ACCESS_TOKEN_TTL: seconds(900, 30, 86_400),
  /** Refresh token idle lifetime in seconds: unused this long, it can no longer be refreshed. Default 1209600 (14 days). */
  REFRESH_TOKEN_TTL: seconds(1_209_600, 60, 31_536_000),
  /** Absolute session lifetime from login in seconds, whatever the refreshes. Default 2592000 (30 days). */
  SESSION_MAX_AGE: seconds(2_592_000, 60, 31_536_000),
  /**
   * How long a node may reuse a live-session lookup, in ms (0 = look up on every call). Revocation
   * clears it at once on the revoking node and, through the bus, on the others. Default 2000.
   */
  SESSION_CACHE_MS: count(2000, 0, 60_000),
  /** How often expired sessions and spent tokens are deleted, in seconds. Default 600. */
  CLEANUP_INTERVAL: seconds(600, 1, 86_400),
  /** bcrypt cost factor, 4-15. Default 12. */
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  /** Comma-separated exact origins allowed to open WebSockets. Default: this server's own origins. */
  ALLOWED_ORIGINS: z.string().optional(),
  /** Passkeys' relying party id (a domain). Default outside production: localhost. config-webauthn.ts. */
  WEBAUTHN_RP_ID: z.string().optional(),
  /** Comma-separated exact origins passkeys may be used from. Default outside production: own localhost origins. */
  WEBAUTHN_ORIGINS: z.string().optional(),
  /**
   * true: mark every cookie Secure, with the __Host-/__Secure- prefixes, and send HSTS (serve over
   * HTTPS). Default false, or true when TLS_CERT is set (false is then refused); production refuses
   * to start without true.
   */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  /** PEM certificate file (chain after it) for native HTTPS and WSS. Default unset: plain HTTP. Needs TLS_KEY. */
  TLS_CERT: z.string().min(1).optional(),
  /** PEM private key file (unencrypted) of TLS_CERT. Default unset. Needs TLS_CERT. */
  TLS_KEY: z.string().min(1).optional(),
  /** Trust X-Forwarded-* from this proxy (Fastify trustProxy: an IP, CIDR list or hop count). Default: trust none. */
  TRUST_PROXY: z.string().optional(),
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * pretty: one human-readable, coloured line per event (pino-pretty); json: one JSON object per line,
   * for log collectors. Default: pretty when NODE_ENV is not production and stdout is a terminal, else json.
   */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /** Longest message, in characters after trimming. Default 4000. */
  MESSAGE_MAX_CHARS: z.coerce.number().int().min(1).max(4000).default(4000),
  /**
   * Largest message on the wire, in bytes: the UTF-8 length of the whole text, untrimmed, as a JSON
   * string (a control character costs 6, a quote or newline 2, an emoji 4). Default 16384, which
   * holds 4000 emoji. It must fit in a `send` frame (WS_MAX_PAYLOAD) and in a reply (the reply
   * budget, half of WS_MAX_BUFFERED_BYTES up to 256 KiB); startup checks both.
   */
  MESSAGE_MAX_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(Limits.MESSAGE_MAX_BYTES),
  /** Largest WebSocket frame accepted, in bytes. Default 65536; larger closes with 1009. */
  WS_MAX_PAYLOAD: z.coerce.number().int().min(1024).max(1_048_576).default(65_536),
  /** Heartbeat interval in ms; a socket that misses one ping is dropped. Default 30000. */
  WS_HEARTBEAT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  /** Unsent bytes allowed per socket before it is closed as a slow consumer (4408). Default 1 MiB. */
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(65_536).max(67_108_864).default(1_048_576),
  /** Largest HTTP request body, in bytes. Default 16384. */
  HTTP_BODY_LIMIT: z.coerce.number().int().min(1024).max(1_048_576).default(16_384),
  /** Failed logins per (username, IP) before each further try waits 1 s, 2 s, 4 s… Default 5. */
  RATE_LIMIT_LOGIN_FREE_FAILURES: count(5, 1, 1000),
  /** Longest wait between login tries for one (username, IP), in seconds. Default 900. */
  RATE_LIMIT_LOGIN_MAX_DELAY: count(900, 1, 86_400),
  /** Failed logins per IP per hour, any username. Default 50. */
  RATE_LIMIT_LOGIN_IP_PER_HOUR: count(50, 1, 1_000_000),
  /** Failed logins per username per hour, any IP. Default 100. */
  RATE_LIMIT_LOGIN_USER_PER_HOUR: count(100, 1, 1_000_000),
  /** Failed logins per device cookie per hour before it stops exempting from the per-username cap. Default 10. */
  RATE_LIMIT_LOGIN_DEVICE_FAILURES_PER_HOUR: count(10, 1, 1_000_000),
  /** Password checks (login, password change) in flight at once per IP, per node; more get 429 at once. Default 4. */
  RATE_LIMIT_LOGIN_CONCURRENT_PER_IP: count(4, 1, 100_000),
  /** Password checks in flight at once per username, per node; more get 429 at once. Default 2. */
  RATE_LIMIT_LOGIN_CONCURRENT_PER_USER: count(2, 1, 100_000),
  /** Leading bits by which per-IP limits count an IPv6 address (one subscriber holds a /64), 32-128. Default 64. */
  RATE_LIMIT_IPV6_PREFIX: count(64, 32, 128),
  /** Registrations per IP per hour. Default 20. */
  RATE_LIMIT_REGISTER_IP_PER_HOUR: count(20, 1, 1_000_000),
  /** Rooms one user may create per hour. Default 10. */
  RATE_LIMIT_ROOMS_PER_HOUR: count(10, 1, 1_000_000),
  /** New direct conversations one user may open per hour. Default 60. */
  RATE_LIMIT_DMS_PER_HOUR: count(60, 1, 1_000_000),
  /** Rooms one user may belong to, and, counted apart, DMs. Default 1000 of each. */
  ROOMS_PER_USER_MAX: count(1000, 1, 1_000_000),
  /** Members one room may have. Default 10000. */
  ROOM_MEMBERS_MAX: count(10_000, 2, 10_000_000),
  /** WebSocket upgrades per IP per minute. Default 60. */
  RATE_LIMIT_WS_UPGRADES_IP_PER_MINUTE: count(60, 1, 1_000_000),
  /** Live WebSockets per user, across every node when REDIS_URL is set (else per node). Default 20. */
  WS_MAX_SOCKETS_PER_USER: count(20, 1, 100_000),
  /** Refresh requests (POST /auth/refresh) per IP per minute, whatever their outcome. Default 120. */
  RATE_LIMIT_REFRESH_IP_PER_MINUTE: count(120, 1, 1_000_000),
  /**
   * Refresh requests per session per minute, counted by the session's fingerprint cookie (one per
   * login), whatever their outcome. Default 30 (an honest tab refreshes once per token lifetime and on load).
   */
  RATE_LIMIT_REFRESH_SESSION_PER_MINUTE: count(30, 1, 1_000_000),
  /** Authenticated GET requests under /api/v1 per user per minute, across their sessions. Default 600. */
  RATE_LIMIT_READS_PER_USER_PER_MINUTE: count(600, 1, 1_000_000),
  /** Steady message rate per user, across all their sockets, per second. Default 5. */
  RATE_LIMIT_MESSAGES_PER_SECOND: count(5, 1, 100_000),
  /** Extra messages a user may send in a burst above the steady rate. Default 20. */
  RATE_LIMIT_MESSAGES_BURST: count(20, 0, 1_000_000),
  /** Refused frames (rate-limited sends and frames) within a minute after which the socket is closed with 4429. Default 10. */
  RATE_LIMIT_MESSAGE_VIOLATIONS: count(10, 1, 1_000_000),
  /** Frames of any type per second one WebSocket may send, steadily. Default 20. */
  RATE_LIMIT_FRAMES_PER_SECOND: count(20, 1, 1_000_000),
  /** Frames one WebSocket may send at once above the steady rate (its bucket's size). Default 60. */
  RATE_LIMIT_FRAMES_BURST: count(60, 1, 1_000_000),
  /** Frames of any type per second one user may send across their sockets on one node. Default 50. */
  RATE_LIMIT_USER_FRAMES_PER_SECOND: count(50, 1, 1_000_000),
  /** Frames one user may send at once across their sockets on one node. Default 150. */
  RATE_LIMIT_USER_FRAMES_BURST: count(150, 1, 1_000_000),
  /** Frames that may wait to be handled per WebSocket; one more closes it with 4429. Default 128. */
  WS_MAX_QUEUED_FRAMES: count(128, 1, 100_000),
  /**
   * How long a WebSocket the server closes may take to finish the close handshake, in ms; then its
   * TCP connection is destroyed, whatever the client does. Default 1000.
   */
  WS_CLOSE_GRACE_MS: count(1000, 100, 30_000),
  /**
   * Longest time one incoming WebSocket message (all its fragments) may take to arrive, in ms,
   * counted from its first byte; then the socket is closed with 4408. Default 10000.
   */
  WS_MESSAGE_TIMEOUT_MS: count(10_000, 500, 300_000),
  /** Directory of the built web client. Default web/dist. */
  PUBLIC_DIR: z.string().default('web/dist'),
  /** METRICS_PORT, METRICS_HOST, METRICS_TOKEN: see config-metrics.ts. */
  ...MetricsEnv,
});

export interface Config {
  port: number;
  host: string;
  env: 'development' | 'production' | 'test';
  dataDir: string;
  database: DatabaseConfig;
  /** Unset: a single node with in-process bus, presence and limits. */
  redis: { url: string; prefix: string } | undefined;
  /** Undefined until resolved: development generates one at startup. */
  jwtSecret: string | undefined;
  jwtSecretPrevious: string | undefined;
  /** TOTP_ENCRYPTION_KEY; undefined: generated in development, TOTP unavailable in production. */
  totpEncryptionKey: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  cleanupIntervalSeconds: number;
  sessionCacheMs: number;
  bcryptCost: number;
  /** Explicit allow-list; undefined means "this server's own origins", computed once listening. */
  allowedOrigins: string[] | undefined;
  /** Passkeys' relying party; undefined (production without it): passkey routes answer 503. */
  webauthn: WebAuthnConfig | undefined;
  /** OIDC_PROVIDERS, OIDC_<ID>_* and PUBLIC_URL (config-oidc.ts); undefined: no single sign-on. */
  oidc: OidcConfig | undefined;
  /** Always true with `tls`: the cookie names and HSTS follow the scheme clients use. */
  cookieSecure: boolean;
  /** Set: the server itself speaks HTTPS and WSS. */
  tls: TlsFiles | undefined;
  trustProxy: string | undefined;
  logLevel: string;
  logFormat: LogFormat;
  messageMaxChars: number;
  /** Longest message text on the wire, in bytes of its JSON string form. */
  messageMaxBytes: number;
  /**
   * Byte budget for the messages of one `joined` or `history` reply, derived from
   * WS_MAX_BUFFERED_BYTES (see replyBudget); not set directly.
   */
  replyMaxBytes: number;
  wsMaxPayload: number;
  wsHeartbeatMs: number;
  wsMaxBufferedBytes: number;
  wsMaxQueuedFrames: number;
  wsCloseGraceMs: number;
  wsMessageTimeoutMs: number;
  httpBodyLimit: number;
  publicDir: string;
  /** Undefined: no metrics (GET /metrics is 404). */
  metrics: MetricsConfig | undefined;
  rateLimits: {
    loginFreeFailures: number;
    loginMaxDelaySeconds: number;
    loginIpFailuresPerHour: number;
    loginUserFailuresPerHour: number;
    loginDeviceFailuresPerHour: number;
    loginConcurrentPerIp: number;
    loginConcurrentPerUser: number;
    ipv6Prefix: number;
    registrationsPerIpPerHour: number;
    roomsPerHour: number;
    dmsPerHour: number;
    roomsPerUser: number;
    membersPerRoom: number;
    wsUpgradesPerIpPerMinute: number;
    refreshPerIpPerMinute: number;
    refreshPerSessionPerMinute: number;
    readsPerUserPerMinute: number;
    wsMaxSocketsPerUser: number;
    messagesPerSecond: number;
    messagesBurst: number;
    messageViolationsBeforeClose: number;
    framesPerSecond: number;
    framesBurst: number;
    userFramesPerSecond: number;
    userFramesBurst: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type LogFormat = 'pretty' | 'json';

/**
 * `stdoutIsTerminal` decides the default log format: a person at a terminal reads pretty lines, while a
 * pipe, a file or a service manager usually feeds a collector that wants JSON.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  stdoutIsTerminal: boolean = process.stdout.isTTY === true,
): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const tls = loadTls(e.TLS_CERT, e.TLS_KEY);
  if (tls && e.COOKIE_SECURE === 'false') {
    throw new ConfigError('COOKIE_SECURE: false contradicts TLS_CERT (clients use HTTPS); unset it');
  }
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    env: e.NODE_ENV,
    dataDir: e.DATA_DIR,
    database: parseDatabaseUrl(
      (message) => new ConfigError(message),
      e.DATABASE_URL ?? `sqlite:${e.DATA_DIR}/parley.db`,
      e.DATABASE_POOL_SIZE,
      e.SQLITE_SYNCHRONOUS,
    ),
    redis: e.REDIS_URL === undefined ? undefined : { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    jwtSecret: e.JWT_SECRET,
    jwtSecretPrevious: e.JWT_SECRET_PREVIOUS,
    totpEncryptionKey: e.TOTP_ENCRYPTION_KEY,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL,
    sessionMaxAgeSeconds: e.SESSION_MAX_AGE,
    cleanupIntervalSeconds: e.CLEANUP_INTERVAL,
    sessionCacheMs: e.SESSION_CACHE_MS,
    bcryptCost: e.BCRYPT_COST,
    allowedOrigins:
      e.ALLOWED_ORIGINS === undefined
        ? undefined
        : parseOrigins(e.ALLOWED_ORIGINS, (message) => new ConfigError(message)),
    webauthn: parseWebAuthn(
      e.WEBAUTHN_RP_ID,
      e.WEBAUTHN_ORIGINS,
      e.NODE_ENV === 'production',
      (message) => new ConfigError(message),
    ),
    oidc: parseOidc(env, e.NODE_ENV === 'production', (message) => new ConfigError(message)),
    cookieSecure: e.COOKIE_SECURE === 'true' || tls !== undefined,
    tls,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV !== 'production' && stdoutIsTerminal ? 'pretty' : 'json'),
    messageMaxChars: e.MESSAGE_MAX_CHARS,
    messageMaxBytes: e.MESSAGE_MAX_BYTES,
    replyMaxBytes: replyBudget(e.WS_MAX_BUFFERED_BYTES),
    wsMaxPayload: e.WS_MAX_PAYLOAD,
    wsHeartbeatMs: e.WS_HEARTBEAT_MS,
    wsMaxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    wsMaxQueuedFrames: e.WS_MAX_QUEUED_FRAMES,
    wsCloseGraceMs: e.WS_CLOSE_GRACE_MS,
    wsMessageTimeoutMs: e.WS_MESSAGE_TIMEOUT_MS,
    httpBodyLimit: e.HTTP_BODY_LIMIT,
    publicDir: e.PUBLIC_DIR,
    metrics: parseMetrics(e, e.PORT, e.NODE_ENV === 'production', (message) => new ConfigError(message)),
    rateLimits: {
      loginFreeFailures: e.RATE_LIMIT_LOGIN_FREE_FAILURES,
      loginMaxDelaySeconds: e.RATE_LIMIT_LOGIN_MAX_DELAY,
      loginIpFailuresPerHour: e.RATE_LIMIT_LOGIN_IP_PER_HOUR,
      loginUserFailuresPerHour: e.RATE_LIMIT_LOGIN_USER_PER_HOUR,
      loginDeviceFailuresPerHour: e.RATE_LIMIT_LOGIN_DEVICE_FAILURES_PER_HOUR,
      loginConcurrentPerIp: e.RATE_LIMIT_LOGIN_CONCURRENT_PER_IP,
      loginConcurrentPerUser: e.RATE_LIMIT_LOGIN_CONCURRENT_PER_USER,
      ipv6Prefix: e.RATE_LIMIT_IPV6_PREFIX,
      registrationsPerIpPerHour: e.RATE_LIMIT_REGISTER_IP_PER_HOUR,
      roomsPerHour: e.RATE_LIMIT_ROOMS_PER_HOUR,
      dmsPerHour: e.RATE_LIMIT_DMS_PER_HOUR,
      roomsPerUser: e.ROOMS_PER_USER_MAX,
      membersPerRoom: e.ROOM_MEMBERS_MAX,
      wsUpgradesPerIpPerMinute: e.RATE_LIMIT_WS_UPGRADES_IP_PER_MINUTE,
      wsMaxSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
      refreshPerIpPerMinute: e.RATE_LIMIT_REFRESH_IP_PER_MINUTE,
      refreshPerSessionPerMinute: e.RATE_LIMIT_REFRESH_SESSION_PER_MINUTE,
      readsPerUserPerMinute: e.RATE_LIMIT_READS_PER_USER_PER_MINUTE,
      messagesPerSecond: e.RATE_LIMIT_MESSAGES_PER_SECOND,
      messagesBurst: e.RATE_LIMIT_MESSAGES_BURST,
      messageViolationsBeforeClose: e.RATE_LIMIT_MESSAGE_VIOLATIONS,
      framesPerSecond: e.RATE_LIMIT_FRAMES_PER_SECOND,
      framesBurst: e.RATE_LIMIT_FRAMES_BURST,
      userFramesPerSecond: e.RATE_LIMIT_USER_FRAMES_PER_SECOND,
      userFramesBurst: e.RATE_LIMIT_USER_FRAMES_BURST,
    },
  };
  checkSecret(config);
  checkMessageFits(config);
  if (config.env === 'production' && !config.cookieSecure) {
    // Without Secure, the refresh token and the device cookie would travel over plain HTTP.
    throw new ConfigError(
      'COOKIE_SECURE: must be true in production (serve Parley over HTTPS), or set TLS_CERT and TLS_KEY',
    );
  }
  if (config.redis && config.database.kind !== 'postgres') {
    throw new ConfigError('REDIS_URL: several nodes need one shared database; set DATABASE_URL=postgres://… too');
  }
  return config;
}

/**
 * The messages of one reply may fill at most half the send buffer (and never more than 256 KiB), so
 * a join or a history page leaves room for the live traffic behind it and never trips 4408 alone.
 */
export function replyBudget(wsMaxBufferedBytes: number): number {
  return Math.min(Limits.REPLY_MAX_BYTES, Math.floor(wsMaxBufferedBytes / 2));
}

/** Refuses a configuration in which a message within the limits could not be sent or delivered. */
function checkMessageFits(config: Config): void {
  const send = config.messageMaxBytes + Limits.SEND_FRAME_OVERHEAD_MAX;
  if (send > config.wsMaxPayload) {
    throw new ConfigError(
      `MESSAGE_MAX_BYTES: ${config.messageMaxBytes} bytes of text need a send frame of up to ${send} bytes, ` +
        `more than WS_MAX_PAYLOAD (${config.wsMaxPayload}); lower MESSAGE_MAX_BYTES or raise WS_MAX_PAYLOAD`,
    );
  }
  const frame = config.messageMaxBytes + Limits.MESSAGE_FRAME_OVERHEAD_MAX;
  if (frame > config.replyMaxBytes) {
    throw new ConfigError(
      `MESSAGE_MAX_BYTES: a message frame of up to ${frame} bytes does not fit the reply budget of ` +
        `${config.replyMaxBytes} bytes (half of WS_MAX_BUFFERED_BYTES, at most ${Limits.REPLY_MAX_BYTES}); ` +
        'lower MESSAGE_MAX_BYTES or raise WS_MAX_BUFFERED_BYTES',
    );
  }
}

function loadTls(certPath: string | undefined, keyPath: string | undefined): TlsFiles | undefined {
  try {
    return TlsFiles.load(certPath, keyPath);
  } catch (error) {
    if (error instanceof TlsConfigProblem) throw new ConfigError(error.message);
    throw error;
  }
}

/**
 * Production refuses weak secrets and says which rule failed; development and test accept a
 * missing secret (one is generated) but never a weak one that was given explicitly.
 */
function checkSecret(config: Config): void {
  const secrets: [string, string | undefined][] = [
    ['JWT_SECRET', config.jwtSecret],
    ['JWT_SECRET_PREVIOUS', config.jwtSecretPrevious],
    ['TOTP_ENCRYPTION_KEY', config.totpEncryptionKey],
  ];
  if (config.env === 'production' && config.jwtSecret === undefined) {
    throw new ConfigError(`JWT_SECRET: required in production (at least ${MIN_SECRET_LENGTH} random characters)`);
  }
  if (config.jwtSecretPrevious !== undefined && config.jwtSecret === undefined) {
    throw new ConfigError('JWT_SECRET_PREVIOUS: set JWT_SECRET too (the new secret)');
  }
  for (const [name, value] of secrets) {
    if (value === undefined) continue;
    // Every rule in production; elsewhere only the length, so tests and demos can use fixed values.
    const problem =
      config.env === 'production'
        ? secretWeakness(value)
        : value.length < MIN_SECRET_LENGTH
          ? `must be at least ${MIN_SECRET_LENGTH} characters`
          : undefined;
    if (problem) throw new ConfigError(`${name}: ${problem}`);
  }
  if (config.metrics?.token !== undefined) secrets.push(['METRICS_TOKEN', config.metrics.token]);
  const given = secrets.filter(([, value]) => value !== undefined);
  for (let i = 0; i < given.length; i++) {
    for (let j = i + 1; j < given.length; j++) {
      if (given[i]![1] === given[j]![1]) throw new ConfigError(`${given[j]![0]}: must differ from ${given[i]![0]}`);
    }
  }
}
