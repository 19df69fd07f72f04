import { z } from 'zod';
import { MIN_SECRET_LENGTH, secretWeakness } from './secret-rules.js';

/**
 * Where /metrics is served, and to whom. Never to the public: METRICS_PORT moves it to a listener
 * of its own (on METRICS_HOST, local by default), METRICS_TOKEN demands a bearer token; with
 * neither, the node counts nothing and /metrics answers 404. Both together: its own listener, and
 * the token there too.
 */
export const MetricsEnv = {
  /** Port of a separate HTTP listener that serves only GET /metrics (0 picks a free port). Unset: none. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Address of the METRICS_PORT listener. Default 127.0.0.1; only with METRICS_PORT. */
  METRICS_HOST: z.string().min(1).optional(),
  /**
   * Bearer token a scraper must send (`Authorization: Bearer <token>`), at least 32 printable
   * characters without spaces. Without METRICS_PORT, /metrics is then served on the main port.
   */
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]*$/, 'printable ASCII without spaces')
    .optional(),
};

export interface MetricsConfig {
  /** A listener of its own (port 0 picks one), or undefined: /metrics on the main port, token required. */
  listener: { port: number; host: string } | undefined;
  token: string | undefined;
}

type MetricsEnvValues = { METRICS_PORT?: number; METRICS_HOST?: string; METRICS_TOKEN?: string };

/** Undefined when metrics are off. Throws a message naming the variable (never its value). */
export function parseMetrics(
  e: MetricsEnvValues,
  mainPort: number,
  production: boolean,
  fail: (message: string) => Error,
): MetricsConfig | undefined {
  if (e.METRICS_HOST !== undefined && e.METRICS_PORT === undefined) {
    throw fail('METRICS_HOST: set METRICS_PORT too (the host is where that listener binds)');
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === mainPort) {
    throw fail('METRICS_PORT: must differ from PORT (metrics are never served on the public port without a token)');
  }
  const token = e.METRICS_TOKEN;
  if (token !== undefined) {
    const problem = production
      ? secretWeakness(token)
      : token.length < MIN_SECRET_LENGTH
        ? `must be at least ${MIN_SECRET_LENGTH} characters`
        : undefined;
    if (problem) throw fail(`METRICS_TOKEN: ${problem}`);
  }
  if (e.METRICS_PORT === undefined && token === undefined) return undefined;
  return {
    listener: e.METRICS_PORT === undefined ? undefined : { port: e.METRICS_PORT, host: e.METRICS_HOST ?? '127.0.0.1' },
    token,
  };
}
