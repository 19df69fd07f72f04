import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../ports/clock.js';
import { noMetrics, type Metrics } from '../../../ports/metrics.js';
import type { Store } from '../../../ports/store.js';
import { ParleyError, refusedWith } from '../../errors.js';
import { toUser } from '../../events.js';
import type { PresentedDevice } from '../accounts.js';
import type { LoginThrottle } from '../login-throttle.js';
import type { DeviceContext, SecurityLog } from '../security-log.js';
import type { IssuedSession, Sessions } from '../sessions.js';
import type { SecondFactorGate } from '../step-up.js';
import type { PresentedCode, Totp } from './totp.js';

/** How long a password login's ticket waits for its second step. */
export const SECOND_STEP_TTL_SECONDS = 300;

export interface SecondStepTicket {
  ticket: string;
  expiresAt: string;
  methods: ('totp' | 'recovery')[];
}

export interface SecondStepDeps {
  store: Store;
  clock: Clock;
  securityLog: SecurityLog;
  throttle: LoginThrottle;
  sessions: Sessions;
  totp: Totp;
  metrics?: Metrics | undefined;
}

type Attempt = Omit<DeviceContext, 'fingerprintHash'> & { deviceNonce: string | undefined };

/**
 * The second step of a password login when TOTP is on. The password step answers a ticket: random,
 * stored hashed, good for 5 minutes, once, and only from the browser that holds the device cookie
 * the password step set. Every code is checked through the login throttle, like a password.
 */
export class SecondStep {
  private readonly metrics: Metrics;

  constructor(private readonly deps: SecondStepDeps) {
    this.metrics = deps.metrics ?? noMetrics;
  }

  /** After a right password: a ticket bound to this device cookie (by its hash). */
  async begin(userId: string, deviceHash: string): Promise<SecondStepTicket> {
    const ticket = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const expiresAt = new Date(now + SECOND_STEP_TTL_SECONDS * 1000).toISOString();
    await this.deps.store.createSecondStepTicket({
      ticketHash: sha256(ticket),
      userId,
      deviceHash,
      createdAt: new Date(now).toISOString(),
      expiresAt,
    });
    return { ticket, expiresAt, methods: ['totp', 'recovery'] };
  }

  /**
   * A right code for a live ticket from its own device opens the session (a proof, like any
   * login). An unknown, spent, expired or foreign ticket is SECOND_STEP_EXPIRED; a wrong code is
   * INVALID_CODE, counted by the throttle, and leaves the ticket for another try until it expires.
   */
  async complete(
    ticket: string,
    presented: PresentedCode,
    deviceHash: string | undefined,
    device: DeviceContext & { presentedDevice?: PresentedDevice | undefined },
  ): Promise<IssuedSession> {
    const now = new Date(this.deps.clock.now()).toISOString();
    const ticketHash = sha256(ticket);
    const found = await this.deps.store.findSecondStepTicket(ticketHash, now);
    if (!found || deviceHash === undefined || found.deviceHash !== deviceHash) {
      throw new ParleyError('SECOND_STEP_EXPIRED');
    }
    const user = await this.deps.store.findUserById(found.userId);
    if (!user) throw new ParleyError('SECOND_STEP_EXPIRED');
    const deviceNonce = device.presentedDevice?.userId === user.id ? device.presentedDevice.nonce : undefined;
    const ok = await checkThrottled(this.deps, user, presented, null, { ...device, deviceNonce });
    if (!ok) {
      this.metrics.login('failure');
      throw new ParleyError('INVALID_CODE');
    }
    if (!(await this.deps.store.takeSecondStepTicket(ticketHash, now))) throw new ParleyError('SECOND_STEP_EXPIRED');
    if (user.suspension) throw refusedWith('ACCOUNT_SUSPENDED', { reason: user.suspension.reason });
    const issued = await this.deps.sessions.open(toUser(user), device);
    this.metrics.login('success');
    await this.deps.securityLog.record('login_succeeded', user.id, issued.session.id, device);
    return issued;
  }
}

/** The step-up's view of TOTP: a six-digit code is a TOTP code, anything else a recovery code. */
export function totpGate(deps: Pick<SecondStepDeps, 'throttle' | 'securityLog' | 'totp'>): SecondFactorGate {
  return {
    isOn: (userId) => deps.totp.isOn(userId),
    verify: (user, code, sessionId, attempt) =>
      checkThrottled(deps, user, /^\s*\d{6}\s*$/.test(code) ? { code } : { recoveryCode: code }, sessionId, attempt),
  };
}

/** One code check admitted by the login throttle; a wrong code is a failed attempt and an event. */
async function checkThrottled(
  deps: Pick<SecondStepDeps, 'throttle' | 'securityLog' | 'totp'>,
  user: { id: string; username: string },
  presented: PresentedCode,
  sessionId: string | null,
  attempt: Attempt,
): Promise<boolean> {
  const admitted = await deps.throttle.beginLogin(user.username, attempt.ip, attempt.deviceNonce);
  let ok = false;
  try {
    ok = await deps.totp.check(user.id, presented, sessionId, attempt);
  } finally {
    if (ok) await admitted.succeeded();
    else admitted.failed();
  }
  if (!ok) await deps.securityLog.record('second_step_failed', user.id, sessionId, attempt);
  return ok;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
