import type { Redis } from 'ioredis';

/**
 * Resolves when the client is connected. Our clients refuse to queue commands while Redis is down
 * (so an outage fails fast instead of piling up memory), which means they must be ready before the
 * first command; at start-up we wait, up to `timeoutMs`.
 */
export function redisReady(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
