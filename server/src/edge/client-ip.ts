import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

export type TrustProxy = boolean | string | ((address: string, hop: number) => boolean);

/**
 * TRUST_PROXY, read once: unset or "false" trusts no proxy, so X-Forwarded-For is ignored and the
 * client is the socket's peer; "true" trusts every hop; a number trusts that many hops; anything
 * else is a list of proxy IPs or CIDRs (proxy-addr syntax, as Fastify's trustProxy).
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value;
}

/** The client address of a raw request (the WebSocket upgrade), by the same rule Fastify uses for HTTP. */
export function clientIpResolver(trust: TrustProxy): (request: IncomingMessage) => string {
  const fn =
    typeof trust === 'function'
      ? trust
      : typeof trust === 'boolean'
        ? () => trust
        : proxyaddr.compile(trust.split(',').map((item) => item.trim()));
  return (request) => proxyaddr(request, fn);
}
