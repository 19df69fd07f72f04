import type { AdminUser } from '../../../protocol/index.js';
import { EVERY_DOMAIN } from '../../src/core/authz/authorizer.js';
import type { ParleyApp } from '../../src/app.js';
import { request, type JsonResponse, type Session } from './http.js';

/** Makes a user an admin the way the CLI does (a grant in every domain), through the node's authorizer. */
export async function makeAdmin(app: ParleyApp, session: Session): Promise<void> {
  await app.authz.grantRole(session.user.id, 'admin', EVERY_DOMAIN);
}

export interface ErrorAnswer {
  error: { code: string; message: string; reason?: string };
}

/** The admin API as one signed-in person calls it (any method may carry a JSON body). */
export function adminAs(base: string, session: Session | undefined) {
  const call = <T>(method: string, path: string, body?: unknown): Promise<JsonResponse<T>> =>
    request<T>(`${base}/api/v1/admin${path}`, {
      method,
      ...(body === undefined ? {} : { body }),
      ...(session ? { token: session.accessToken, cookie: session.cookie } : {}),
    });
  return {
    call,
    get: <T = unknown>(path: string) => call<T>('GET', path),
    post: <T = unknown>(path: string, body: unknown = {}) => call<T>('POST', path, body),
    delete: <T = unknown>(path: string, body?: unknown) => call<T>('DELETE', path, body),
    async user(username: string): Promise<AdminUser> {
      const answer = await call<{ user: AdminUser }>('GET', `/users/${username}`);
      if (answer.status !== 200) throw new Error(`user ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.user;
    },
    async suspend(username: string, reason: string): Promise<AdminUser> {
      const answer = await call<{ user: AdminUser }>('POST', `/users/${username}/suspend`, { reason });
      if (answer.status !== 200)
        throw new Error(`suspend ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.user;
    },
  };
}
export type AdminApi = ReturnType<typeof adminAs>;
