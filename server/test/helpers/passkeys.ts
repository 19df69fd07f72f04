import { expect } from 'vitest';
import type { Authenticator } from './authenticator.js';
import { cookiePair, request, type Session } from './http.js';

/** What a client holds between a ceremony's two halves. */
export interface Ceremony {
  ceremonyId: string;
  options: Record<string, unknown>;
  /** `parley_pk=<value>` for a sign-in ceremony. */
  cookie?: string;
}

const signedIn = (session: Session) => ({ token: session.accessToken, cookie: session.cookie });

export async function registerOptions(base: string, session: Session): Promise<Ceremony> {
  const answer = await request<Ceremony>(`${base}/api/v1/me/passkeys/options`, {
    method: 'POST',
    ...signedIn(session),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

/** Adds a passkey through the whole ceremony; answers the stored passkey's id. */
export async function addPasskey(base: string, session: Session, authenticator: Authenticator, name = 'Laptop') {
  const ceremony = await registerOptions(base, session);
  const response = await authenticator.register(ceremony.options);
  const answer = await request<{ passkey: { id: string } }>(`${base}/api/v1/me/passkeys`, {
    body: { ceremonyId: ceremony.ceremonyId, response, name },
    ...signedIn(session),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.passkey.id;
}

export async function signInOptions(base: string): Promise<Ceremony> {
  const answer = await request<Ceremony>(`${base}/api/v1/auth/passkey/options`, { method: 'POST' });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { ...answer.body, cookie: cookiePair(answer.headers, 'parley_pk') ?? '' };
}

export function signIn(base: string, ceremony: Ceremony, response: unknown) {
  return request<{ accessToken: string; user: { id: string; username: string } }>(`${base}/api/v1/auth/passkey`, {
    body: { ceremonyId: ceremony.ceremonyId, response },
    ...(ceremony.cookie ? { cookie: ceremony.cookie } : {}),
  });
}

export async function stepUpOptions(base: string, session: Session): Promise<Ceremony> {
  const answer = await request<Ceremony>(`${base}/api/v1/auth/step-up/passkey/options`, {
    method: 'POST',
    ...signedIn(session),
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

export function stepUp(base: string, session: Session, ceremony: Ceremony, response: unknown) {
  return request<{ proofUntil: string }>(`${base}/api/v1/auth/step-up/passkey`, {
    body: { ceremonyId: ceremony.ceremonyId, response },
    ...signedIn(session),
  });
}

export const codeOf = (answer: { body: unknown }) => (answer.body as { error?: { code?: string } }).error?.code;
