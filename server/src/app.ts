import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import { ErrorBodySchema, errorBody } from '../../protocol/index.js';
import type { Config } from './config.js';
import { chatLimits } from './app-chat-limits.js';
import { Accounts } from './core/accounts/accounts.js';
import { SecurityLog } from './core/accounts/security-log.js';
import { LoginThrottle } from './core/accounts/login-throttle.js';
import { Sessions } from './core/accounts/sessions.js';
import { CleanupJob } from './edge/cleanup-job.js';
import { clientIpResolver, parseTrustProxy } from './edge/client-ip.js';
import { ipLimitKey, limitKeyedBy } from './edge/ip-limit-key.js';
import { DeviceCookies } from './edge/auth/device-cookie.js';
import { sessionRoutes } from './edge/http/session-routes.js';
import { passkeyRoutes } from './edge/http/passkey-routes.js';
import { ssoRoutes } from './edge/http/sso-routes.js';
import { OidcProviders } from './adapters/oidc-providers.js';
import { recordProof, requireRecentProof } from './core/accounts/step-up.js';
import type { PasskeyContext } from './core/passkeys/passkey-context.js';
import { ChatCore } from './core/chat-core.js';
import { Authorizer } from './core/authz/authorizer.js';
import { AccessTokens } from './edge/auth/access-tokens.js';
import { createAuthenticator } from './edge/auth/authenticate.js';
import { authRoutes } from './edge/http/auth-routes.js';
import { StepUp } from './core/accounts/step-up.js';
import { SecondStep, totpGate } from './core/accounts/factors/second-step.js';
import { SecretBox } from './core/accounts/factors/secret-box.js';
import { Totp } from './core/accounts/factors/totp.js';
import { totpRoutes } from './edge/http/totp-routes.js';
import { chatRoutes } from './edge/http/chat-routes.js';
import { fileCleanupTasks, fileRoutes, UNATTACHED_MAX_AGE_MS } from './edge/http/file-routes.js';
import { IDLE_CONNECTION_MS, uploadDeadlineMs } from './edge/http/upload-receiver.js';
import { SharpFileInspector } from './adapters/file-inspector-sharp.js';
import type { BlobStore } from './ports/blob-store.js';
import { moderationRoutes } from './edge/http/moderation-routes.js';
import { roomRoutes } from './edge/http/room-routes.js';
import { searchRoutes } from './edge/http/search-routes.js';
import { userRoutes } from './edge/http/user-routes.js';
import { ADMIN_PREFIX, adminRoutes } from './edge/http/admin-routes.js';
import type { AdminContext } from './core/admin/admin-context.js';
import { registerErrorHandling } from './edge/http/errors.js';
import { healthRoutes } from './edge/http/health-routes.js';
import { requireAuth } from './edge/http/require-auth.js';
import { routeSchema } from './edge/http/route-schema.js';
import { registerSecurityHeaders } from './edge/http/security-headers.js';
import { Gateway } from './edge/ws/gateway.js';
import { MetricsListener } from './edge/metrics-listener.js';
import { countHttpResponses, metricsRoute } from './edge/http/metrics-routes.js';
import { PromMetrics } from './adapters/metrics-prom.js';
import { meteredBus, meteredLimits } from './adapters/metered.js';
import { noMetrics } from './ports/metrics.js';
import { registerApiDocs } from './edge/docs/api-docs.js';
import { collectRoutes, type RegisteredRoute } from './edge/docs/route-list.js';
import { cookieNames } from './edge/auth/cookies.js';
import type { Bus } from './ports/bus.js';
import type { Clock } from './ports/clock.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { Presence } from './ports/presence.js';
import type { LimitFactory } from './ports/rate-limiter.js';
import type { SocketSlots } from './ports/socket-slots.js';
import type { Store } from './ports/store.js';
import { MemorySocketSlots } from './adapters/socket-slots-memory.js';

export interface AppDeps {
  store: Store;
  /** The bytes of shared files (adapters/select-adapters.ts picks where). */
  blobs: BlobStore;
  bus: Bus;
  presence: Presence;
  hasher: PasswordHasher;
  clock: Clock;
  logger: FastifyBaseLogger;
  commonPasswords: ReadonlySet<string>;
  nodeId: string;
  limits: LimitFactory;
  /** Live sockets per user (WS_MAX_SOCKETS_PER_USER); default: counted on this node. */
  socketSlots?: SocketSlots;
  /** Readiness of Redis when the node uses it. */
  redisPing?: (() => Promise<void>) | undefined;
  /** Anything else to close at shutdown, after the store. */
  closeExtras?: () => Promise<void>;
  /** How often the policies reload from the store whatever the bus says (default 30 s). */
  authzReloadMs?: number;
  /** Tests only: runs before any plugin or route, so its hooks see every route (test/helpers/server.ts). */
  instrument?: (http: FastifyInstance) => void;
}

export interface ParleyApp {
  http: FastifyInstance;
  core: ChatCore;
  authz: Authorizer;
  gateway: Gateway;
  cleanup: CleanupJob;
  /** Base URL of the METRICS_PORT listener once listening; undefined without one. */
  readonly metricsUrl: string | undefined;
  /** Every route registered (for the test that checks the OpenAPI document lists them all). */
  routes: readonly RegisteredRoute[];
  /** Listens and returns the base URL (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Graceful: stop accepting, close sockets with 1001 (cutting those that ignore it after
   * WS_CLOSE_GRACE_MS), let them leave their rooms, then close the bus, presence and the database
   * (which writes whatever it was still committing).
   */
  close(): Promise<void>;
}

export const DEFAULT_ROOM = 'general';

/** Builds a ready server that does not listen yet; main.ts and tests both start here. */
export async function buildApp(config: Config & { jwtSecret: string }, deps: AppDeps): Promise<ParleyApp> {
  const trustProxy = parseTrustProxy(config.trustProxy);
  // Under TLS_CERT/TLS_KEY the one server speaks HTTPS, and the gateway, attached to it, WSS: an
  // https.Server is an http.Server to every caller (same events, same upgrade path).
  const http = Fastify({
    ...(config.tls ? { https: config.tls.serverOptions() } : {}),
    loggerInstance: deps.logger,
    bodyLimit: config.httpBodyLimit,
    trustProxy,
    return503OnClosing: true,
    // A client gets this long to send a whole request: enough for the largest upload at a slow
    // uplink's pace (uploadDeadlineMs), while a connection that sends nothing for 30 s is cut sooner.
    requestTimeout: uploadDeadlineMs(config.files.maxBytes),
    connectionTimeout: IDLE_CONNECTION_MS,
  });
  // ...and this long for the headers, upgrades included.
  http.server.headersTimeout = 10_000;
  const routes = collectRoutes(http);
  deps.instrument?.(http);

  // Metrics only when someone may read them (METRICS_PORT or METRICS_TOKEN); otherwise nothing is counted.
  const prom = config.metrics ? new PromMetrics() : undefined;
  const metrics = prom ?? noMetrics;
  if (prom) {
    countHttpResponses(http, prom);
    deps = { ...deps, bus: meteredBus(deps.bus, deps.nodeId, prom), limits: meteredLimits(deps.limits, prom) };
    prom.watchDependency('database', () => deps.store.ping());
    if (deps.redisPing) prom.watchDependency('redis', deps.redisPing);
  }

  await deps.store.ensureRoom(DEFAULT_ROOM, new Date(deps.clock.now()).toISOString());

  const newId = () => globalThis.crypto.randomUUID();
  const rl = config.rateLimits;
  const authz = await Authorizer.open({
    store: deps.store,
    bus: deps.bus,
    nodeId: deps.nodeId,
    logger: deps.logger,
    ...(deps.authzReloadMs === undefined ? {} : { reloadEveryMs: deps.authzReloadMs }),
  });
  // Every per-IP limit counts IPv6 by prefix; sessions and security events keep the full address.
  const keyOfIp = (ip: string) => ipLimitKey(ip, rl.ipv6Prefix);
  const core = new ChatCore({
    store: deps.store,
    blobs: deps.blobs,
    bus: deps.bus,
    presence: deps.presence,
    clock: deps.clock,
    logger: deps.logger,
    metrics,
    nodeId: deps.nodeId,
    authz,
    limits: chatLimits(config),
    roomCreateLimit: deps.limits.create('rooms-user', { points: rl.roomsPerHour, windowSeconds: 3600 }),
    dmCreateLimit: deps.limits.create('dms-user', { points: rl.dmsPerHour, windowSeconds: 3600 }),
    onSessionsEndedElsewhere: (ids) => sessions.forget(ids),
    // Called only once sockets exist, after the authenticator below is built.
    credentials: { renew: (token, bound) => authenticator.renew(token, bound) },
    messageLimit: deps.limits.create('messages-user', {
      points: rl.messagesPerSecond,
      windowSeconds: 1,
      ...(rl.messagesBurst > 0
        ? {
            burst: {
              points: rl.messagesBurst,
              windowSeconds: Math.max(1, Math.ceil(rl.messagesBurst / rl.messagesPerSecond)),
            },
          }
        : {}),
    }),
  });
  const securityLog = new SecurityLog(deps.store, deps.clock, deps.logger);
  const sessions = new Sessions({
    store: deps.store,
    clock: deps.clock,
    securityLog,
    limits: {
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
      liveSessionCacheMs: config.sessionCacheMs,
    },
    endSessions: (ids) => core.endSessions(ids),
    closeSuspendedUser: (userId, ids) => core.closeSuspendedUser(userId, ids),
    newId,
    metrics,
  });
  const throttle = new LoginThrottle(
    deps.limits,
    {
      freeFailures: rl.loginFreeFailures,
      maxDelaySeconds: rl.loginMaxDelaySeconds,
      ipFailuresPerHour: rl.loginIpFailuresPerHour,
      userFailuresPerHour: rl.loginUserFailuresPerHour,
      deviceFailuresPerHour: rl.loginDeviceFailuresPerHour,
      concurrentPerIp: rl.loginConcurrentPerIp,
      concurrentPerUser: rl.loginConcurrentPerUser,
      registrationsPerIpPerHour: rl.registrationsPerIpPerHour,
    },
    keyOfIp,
  );
  const dummyHash = await deps.hasher.hash(newId());
  const accounts = new Accounts({
    store: deps.store,
    hasher: deps.hasher,
    clock: deps.clock,
    sessions,
    securityLog,
    throttle,
    commonPasswords: deps.commonPasswords,
    dummyHash,
    secondFactorOn: (userId) => totp.isOn(userId),
    newId,
    metrics,
  });
  const totp = new Totp({
    store: deps.store,
    clock: deps.clock,
    securityLog,
    box: config.totpEncryptionKey === undefined ? undefined : new SecretBox(config.totpEncryptionKey),
  });
  const secondStep = new SecondStep({
    store: deps.store,
    clock: deps.clock,
    securityLog,
    throttle,
    sessions,
    totp,
    metrics,
  });
  const stepUp = new StepUp({
    store: deps.store,
    clock: deps.clock,
    securityLog,
    hasher: deps.hasher,
    throttle,
    dummyHash,
    secondFactor: totpGate({ throttle, securityLog, totp }),
  });
  const tokens = new AccessTokens(config.jwtSecret, config.accessTokenTtlSeconds, deps.clock, config.jwtSecretPrevious);
  const authenticator = createAuthenticator(tokens, sessions, config.cookieSecure);
  const auth = requireAuth(
    authenticator,
    deps.limits.create('reads-user', { points: rl.readsPerUserPerMinute, windowSeconds: 60 }),
  );
  const files = { inspector: new SharpFileInspector(), ...config.files, unattachedMaxAgeMs: UNATTACHED_MAX_AGE_MS };
  const uploadsDir = resolve(config.dataDir, 'tmp');
  const cleanupTasks = fileCleanupTasks(core, files, uploadsDir);
  const cleanup = new CleanupJob(sessions, deps.logger, config.cleanupIntervalSeconds * 1000, cleanupTasks);

  const socketSlots = deps.socketSlots ?? new MemorySocketSlots();
  let ownOrigins = new Set<string>();
  const gateway = new Gateway({
    core,
    authenticator,
    logger: deps.logger,
    allowedOrigins: () => (config.allowedOrigins ? new Set(config.allowedOrigins) : ownOrigins),
    maxPayload: config.wsMaxPayload,
    heartbeatMs: config.wsHeartbeatMs,
    closeGraceMs: config.wsCloseGraceMs,
    messageTimeoutMs: config.wsMessageTimeoutMs,
    upgradeLimit: limitKeyedBy(
      deps.limits.create('ws-upgrade-ip', { points: rl.wsUpgradesPerIpPerMinute, windowSeconds: 60 }),
      keyOfIp,
    ),
    maxSocketsPerUser: rl.wsMaxSocketsPerUser,
    socketSlots,
    clientIp: clientIpResolver(trustProxy),
    metrics,
  });
  gateway.attach(http.server);

  await registerSecurityHeaders(http, { hsts: config.cookieSecure });
  // CORS only for the exact configured origins (never *, never a reflected stranger). The web
  // client is same-origin and needs none; this is for operators who serve it elsewhere.
  await http.register(cors, {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && (config.allowedOrigins ?? []).includes(origin)),
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  });
  registerErrorHandling(http);
  // Before every route: the document collects routes as they are added.
  await registerApiDocs(http, { fingerprintCookie: cookieNames(config.cookieSecure).fingerprint });
  if (prom && config.metrics?.listener === undefined && config.metrics?.token !== undefined) {
    metricsRoute(http, prom, config.metrics.token);
  }
  const metricsListener =
    prom && config.metrics?.listener ? new MetricsListener(prom, config.metrics.token, deps.logger) : undefined;
  let metricsUrl: string | undefined;
  healthRoutes(http, deps.store, deps.redisPing);
  const loginAnswers = {
    tokens,
    deviceCookies: new DeviceCookies(config.jwtSecret, config.jwtSecretPrevious),
    secureCookies: config.cookieSecure,
    sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
  };
  authRoutes(http, {
    ...loginAnswers,
    accounts,
    sessions,
    auth,
    stepUp,
    secondStep,
    refreshLimits: {
      perIp: limitKeyedBy(
        deps.limits.create('refresh-ip', { points: rl.refreshPerIpPerMinute, windowSeconds: 60 }),
        keyOfIp,
      ),
      perSession: deps.limits.create('refresh-session', { points: rl.refreshPerSessionPerMinute, windowSeconds: 60 }),
    },
  });
  sessionRoutes(http, sessions, deps.store, auth);
  totpRoutes(http, { totp, auth, countPasskeys: async (userId) => (await deps.store.listPasskeys(userId)).length });
  const proofDeps = { store: deps.store, clock: deps.clock };
  const webauthn = config.webauthn;
  const passkeys: PasskeyContext = {
    store: deps.store,
    clock: deps.clock,
    securityLog,
    sessions,
    newId,
    proofs: {
      requireRecent: (_userId, sessionId) => requireRecentProof(proofDeps, sessionId),
      record: (sessionId) => recordProof(proofDeps, sessionId),
    },
    // Outside production without WEBAUTHN_ORIGINS: this server's own localhost origins, once listening.
    relyingParty: () =>
      webauthn && {
        rpId: webauthn.rpId,
        rpName: 'Parley',
        origins: webauthn.origins ?? [...ownOrigins].filter((origin) => new URL(origin).hostname === 'localhost'),
      },
  };
  passkeyRoutes(http, {
    ...loginAnswers,
    passkeys,
    auth,
    signInPerIp: limitKeyedBy(
      deps.limits.create('passkey-ip', { points: rl.refreshPerIpPerMinute, windowSeconds: 60 }),
      keyOfIp,
    ),
  });
  const oidc = config.oidc && { ...config.oidc, providers: new OidcProviders(config.oidc.providers, deps.logger) };
  const ssoIp = deps.limits.create('sso-ip', { points: rl.refreshPerIpPerMinute, windowSeconds: 60 });
  ssoRoutes(http, { ...loginAnswers, ...passkeys, auth, oidc, perIp: limitKeyedBy(ssoIp, keyOfIp) });
  chatRoutes(http, core, auth);
  roomRoutes(http, core, auth);
  searchRoutes(http, core, auth, deps.limits, config.search);
  moderationRoutes(http, core, auth);
  userRoutes(http, core, auth);
  await http.register(fileRoutes({ core, files, auth, tempDir: uploadsDir }));
  const admin: AdminContext = {
    store: deps.store,
    authz,
    clock: deps.clock,
    logger: deps.logger,
    cutOff: async (userId, via) => {
      await sessions.endForSuspension(userId, via);
    },
  };
  await http.register(adminRoutes(admin, auth), { prefix: ADMIN_PREFIX });
  const wsDoc = routeSchema({
    tag: 'websocket',
    summary: 'The WebSocket endpoint: upgrade here (frames: /api/v1/asyncapi.json); plain GET is refused.',
    response: { 426: ErrorBodySchema },
  });
  http.get('/api/v1/ws', { schema: wsDoc }, (_request, reply) => reply.status(426).send(errorBody('UPGRADE_REQUIRED')));

  const publicDir = resolve(config.publicDir);
  if (existsSync(resolve(publicDir, 'index.html'))) {
    await http.register(fastifyStatic, { root: publicDir, dotfiles: 'deny', index: ['index.html'], wildcard: false });
  } else {
    deps.logger.warn({ publicDir }, 'web client not built; run `npm run build:web` to serve it');
  }

  let closed = false;
  return {
    http,
    core,
    authz,
    gateway,
    cleanup,
    get metricsUrl() {
      return metricsUrl;
    },
    routes,
    async listen(port = config.port, host = config.host) {
      await http.listen({ port, host });
      const listener = config.metrics?.listener;
      if (metricsListener && listener) metricsUrl = await metricsListener.listen(listener.port, listener.host);
      cleanup.start();
      const address = http.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const scheme = config.tls ? 'https' : 'http';
      ownOrigins = new Set([
        `${scheme}://localhost:${actualPort}`,
        `${scheme}://127.0.0.1:${actualPort}`,
        `${scheme}://[::1]:${actualPort}`,
        `https://localhost:${actualPort}`,
      ]);
      return `${scheme}://127.0.0.1:${actualPort}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      cleanup.stop();
      // Sockets first (each leaves its rooms, so presence is clean), then HTTP, then the stores.
      await gateway.close();
      await http.close();
      await metricsListener?.close();
      authz.close();
      await deps.bus.close();
      await deps.presence.close();
      await socketSlots.close();
      await deps.store.close();
      await deps.closeExtras?.();
    },
  };
}
