import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Asked to stay out of the API document (`schema.hide`): static files and the /docs page itself. */
  hidden: boolean;
}

/**
 * Every route as Fastify registers it, for the test that proves the OpenAPI document lists them
 * all. Add before any route; the list fills as routes are added.
 */
export function collectRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const hidden = route.schema?.hide === true;
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, hidden });
  });
  return routes;
}
