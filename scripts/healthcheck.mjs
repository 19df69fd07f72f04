// The container's HEALTHCHECK: exit 0 when this node answers GET /health, 1 otherwise. Node itself,
// because the slim image has no curl or wget. It asks the loopback address on PORT, over HTTPS when
// TLS_CERT is set; the certificate is not checked there (it names the public host, not 127.0.0.1, and
// nothing secret travels: the answer is {"status":"ok"}).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const port = Number(process.env.PORT ?? 3000);
const tls = (process.env.TLS_CERT ?? '') !== '';
const request = tls ? httpsRequest : httpRequest;
const req = request({ host: '127.0.0.1', port, path: '/health', timeout: 4000, rejectUnauthorized: false }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (error) => {
  console.error(`healthcheck: ${error.message}`);
  process.exit(1);
});
req.end();
