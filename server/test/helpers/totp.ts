import { Secret, TOTP } from 'otpauth';
import { cookiePair, GOOD_PASSWORD, request, type JsonResponse, type Session } from './http.js';

/** The code an authenticator app would show for this secret at this time (ms). */
export function totpCode(secret: string, at: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 }).generate({ timestamp: at });
}

export interface SecondStepStart {
  ticket: string;
  expiresAt: string;
  /** `parley_dev=…`: the device cookie the ticket is bound to. */
  deviceCookie: string;
}

/** The password step of a login with TOTP on: the ticket and the device cookie it is bound to. */
export async function passwordStep(base: string, username: string, password = GOOD_PASSWORD): Promise<SecondStepStart> {
  const answer = await request<{ secondStep: { ticket: string; expiresAt: string } }>(`${base}/api/v1/auth/login`, {
    body: { username, password },
  });
  if (answer.status !== 200 || !answer.body.secondStep)
    throw new Error(`password step ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { ...answer.body.secondStep, deviceCookie: cookiePair(answer.headers, 'parley_dev') ?? '' };
}

/** The second step; on success a Session like `login` answers. */
export async function secondStep(
  base: string,
  start: SecondStepStart,
  proof: { code: string } | { recoveryCode: string },
  cookie = start.deviceCookie,
): Promise<JsonResponse & { session?: Session }> {
  const answer = await request<{ accessToken: string; user: Session['user'] }>(
    `${base}/api/v1/auth/login/second-step`,
    { body: { ticket: start.ticket, ...proof }, cookie },
  );
  if (answer.status !== 200) return answer;
  return {
    ...answer,
    session: {
      user: answer.body.user,
      accessToken: answer.body.accessToken,
      cookie: cookiePair(answer.headers, 'parley_fp') ?? '',
      deviceCookie: cookiePair(answer.headers, 'parley_dev') ?? '',
    },
  };
}
