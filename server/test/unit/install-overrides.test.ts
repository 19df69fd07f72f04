import Fastify from 'fastify';
import katex from 'katex';
import { expect, it } from 'vitest';

/**
 * package.json overrides two dependencies' dependencies so that the tree installs cleanly on Node 20:
 * katex gets commander 14 (only its CLI uses commander; we use the library) and fastify's inject
 * (light-my-request) gets cookie 1.x, whose `stringifySetCookie` it calls. Both keep working.
 */
it('katex still renders math', () => {
  const html = katex.renderToString('\\frac{a}{b}', { throwOnError: true });
  expect(html).toContain('class="katex"');
  expect(html).toContain('mfrac');
});

it('fastify inject still encodes request cookies with the overridden cookie package', async () => {
  const app = Fastify();
  app.get('/echo', (request) => ({ cookie: request.headers.cookie }));
  try {
    const response = await app.inject({ method: 'GET', url: '/echo', cookies: { a: 'b c', d: 'e' } });
    expect(response.json()).toEqual({ cookie: 'a=b%20c; d=e' });
  } finally {
    await app.close();
  }
});
