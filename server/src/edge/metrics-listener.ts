import { createServer, type Server } from 'node:http';
import { errorBody } from '../../../protocol/index.js';
import type { Logger } from '../ports/logger.js';
import { bearerMatches, type MetricsExposition } from './http/metrics-routes.js';

/**
 * The small HTTP listener of METRICS_PORT: it serves GET /metrics and nothing else, so the public
 * port never shows it. With METRICS_TOKEN set it asks for the token here too.
 */
export class MetricsListener {
  private readonly server: Server;

  constructor(exposition: MetricsExposition, token: string | undefined, logger: Logger) {
    this.server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      const answer = (status: number, body: string, type = 'application/json; charset=utf-8') => {
        response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      };
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        return answer(404, JSON.stringify(errorBody('NOT_FOUND')));
      }
      if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
        response.setHeader('WWW-Authenticate', 'Bearer');
        return answer(401, JSON.stringify(errorBody('UNAUTHENTICATED')));
      }
      exposition.scrape().then(
        (text) => answer(200, text, exposition.contentType),
        (error: unknown) => {
          logger.error({ err: error }, 'metrics scrape failed');
          answer(500, JSON.stringify(errorBody('INTERNAL')));
        },
      );
    });
    // Scrapers keep connections alive; a shutdown must not wait for them.
    this.server.keepAliveTimeout = 5000;
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
  }

  /** Listens and answers the base URL (port 0 picks a free port). */
  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    return `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
