import { STEP_UP_WINDOW_SECONDS } from '../../../../protocol/index.js';
import type { Clock } from '../../ports/clock.js';
import type { SessionStore } from '../../ports/session-store.js';
import type { Store } from '../../ports/store.js';
import { ParleyError } from '../errors.js';
import type { PresentedDevice } from './accounts.js';
import { checkPasswordThrottled, type PasswordCheckDeps } from './password-check.js';
import type { DeviceContext, SecurityLog } from './security-log.js';

/** Enough to read and record a session's proof: the store and the clock (AdminContext has both). */
export interface ProofDeps {
  store: Pick<SessionStore, 'findSession' | 'recordSessionProof'>;
  clock: Clock;
}

/**
 * Refuses with STEP_UP_REQUIRED unless the session proved who holds it (login or step-up) within
 * STEP_UP_WINDOW_SECONDS. Reads the store, never the live-session cache, so a step-up on one node
 * counts at once on every node.
 */
export async function requireRecentProof(deps: ProofDeps, sessionId: string): Promise<void> {
  const session = await deps.store.findSession(sessionId);
  const proofAt = session?.proofAt ? Date.parse(session.proofAt) : Number.NaN;
  const now = deps.clock.now();
  // A proof "from the future" (a clock stepped back) counts only up to the window, never longer.
  if (!(now - proofAt <= STEP_UP_WINDOW_SECONDS * 1000 && proofAt - now <= STEP_UP_WINDOW_SECONDS * 1000)) {
    throw new ParleyError('STEP_UP_REQUIRED');
  }
}

/** Records a fresh proof on the session (step-up by password/code, or by passkey); answers proofUntil. */
export async function recordProof(deps: ProofDeps, sessionId: string, at: number = deps.clock.now()): Promise<string> {
  await deps.store.recordSessionProof(sessionId, new Date(at).toISOString());
  return new Date(at + STEP_UP_WINDOW_SECONDS * 1000).toISOString();
}

/**
 * A second factor the step-up must also check when the account has one on (TOTP, issue 16).
 * `verify` counts a wrong code toward the login throttle and records its own events.
 */
export interface SecondFactorGate {
  isOn(userId: string): Promise<boolean>;
  verify(
    user: { id: string; username: string },
    code: string,
    sessionId: string,
    attempt: { ip: string; userAgent: string; deviceNonce: string | undefined },
  ): Promise<boolean>;
}

export interface StepUpDeps extends PasswordCheckDeps {
  store: Store;
  clock: Clock;
  securityLog: SecurityLog;
  secondFactor?: SecondFactorGate | undefined;
}

/** `POST /api/v1/auth/step-up`: the password again (and the code, when TOTP is on) renews the proof. */
export class StepUp {
  constructor(private readonly deps: StepUpDeps) {}

  async confirm(
    userId: string,
    sessionId: string,
    proof: { password: string; code?: string | undefined },
    device: Omit<DeviceContext, 'fingerprintHash'> & { presentedDevice?: PresentedDevice | undefined },
  ): Promise<{ proofUntil: string }> {
    const user = await this.deps.store.findUserById(userId);
    if (!user) throw new ParleyError('UNAUTHENTICATED');
    const deviceNonce = device.presentedDevice?.userId === user.id ? device.presentedDevice.nonce : undefined;
    const attempt = { username: user.username, ip: device.ip, deviceNonce };
    if (!(await checkPasswordThrottled(this.deps, attempt, proof.password, user.passwordHash))) {
      await this.deps.securityLog.record('login_failed', user.id, sessionId, device);
      throw new ParleyError('INVALID_CREDENTIALS');
    }
    const gate = this.deps.secondFactor;
    if (gate && (await gate.isOn(user.id))) {
      const ok =
        proof.code !== undefined &&
        (await gate.verify(user, proof.code, sessionId, { ip: device.ip, userAgent: device.userAgent, deviceNonce }));
      if (!ok) throw new ParleyError('INVALID_CODE');
    }
    const proofUntil = await recordProof(this.deps, sessionId);
    await this.deps.securityLog.record('step_up', user.id, sessionId, device);
    return { proofUntil };
  }
}
