import type { Limit, LimitFactory } from '../../ports/rate-limiter.js';
import { rateLimited } from '../errors.js';

export interface LoginLimits {
  /** Failed logins per (username, IP) before the growing delay starts. */
  freeFailures: number;
  /** The longest delay between attempts for one (username, IP), in seconds. */
  maxDelaySeconds: number;
  /** Failed logins per IP per hour, whatever the username. */
  ipFailuresPerHour: number;
  /** Failed logins per username per hour, whatever the IP. */
  userFailuresPerHour: number;
  /** Registrations per IP per hour. */
  registrationsPerIpPerHour: number;
}

const HOUR = 3600;

/**
 * Brute-force and credential-stuffing brakes for login and registration.
 * - Per (username, IP): after `freeFailures`, each failure doubles the wait before the next try
 *   (1 s, 2 s, 4 s … up to `maxDelaySeconds`). A success clears it. This slows a guesser at one
 *   account from one address without touching the owner logging in from elsewhere.
 * - Per IP and per username over an hour: caps on failures, for spraying and stuffing.
 * Only failures count, so honest users who type their password right are never slowed.
 */
export class LoginThrottle {
  private readonly failuresByUserIp: Limit;
  private readonly delayByUserIp: Limit;
  private readonly failuresByIp: Limit;
  private readonly failuresByUser: Limit;
  private readonly registrationsByIp: Limit;

  constructor(
    factory: LimitFactory,
    private readonly limits: LoginLimits,
  ) {
    this.failuresByUserIp = factory.create('login-fail-user-ip', { points: 1_000_000, windowSeconds: HOUR });
    this.delayByUserIp = factory.create('login-delay-user-ip', { points: 1, windowSeconds: 1 });
    this.failuresByIp = factory.create('login-fail-ip', { points: limits.ipFailuresPerHour, windowSeconds: HOUR });
    this.failuresByUser = factory.create('login-fail-user', {
      points: limits.userFailuresPerHour,
      windowSeconds: HOUR,
    });
    this.registrationsByIp = factory.create('register-ip', {
      points: limits.registrationsPerIpPerHour,
      windowSeconds: HOUR,
    });
  }

  /**
   * Throws RATE_LIMITED when this attempt may not even be checked. A device the account has used
   * before (its fingerprint cookie matches one of the user's sessions) skips the per-username cap,
   * so an attacker spraying one account from many addresses cannot lock its owner out.
   */
  async beforeLogin(username: string, ip: string, knownDevice = false): Promise<void> {
    const delay = await this.delayByUserIp.peek(userIpKey(username, ip));
    if (delay && !delay.allowed && delay.resetMs > 0) throw rateLimited(delay);
    const caps: [Limit, string][] = [[this.failuresByIp, ip]];
    if (!knownDevice) caps.push([this.failuresByUser, username.toLowerCase()]);
    for (const [limit, key] of caps) {
      const state = await limit.peek(key);
      if (state && state.remaining === 0 && state.resetMs > 0) throw rateLimited(state);
    }
  }

  async loginFailed(username: string, ip: string): Promise<void> {
    const key = userIpKey(username, ip);
    const failures = await this.failuresByUserIp.consume(key);
    const beyondFree = failures.consumed - this.limits.freeFailures;
    if (beyondFree > 0) {
      await this.delayByUserIp.block(key, Math.min(this.limits.maxDelaySeconds, 2 ** Math.min(beyondFree - 1, 30)));
    }
    await this.failuresByIp.consume(ip);
    await this.failuresByUser.consume(username.toLowerCase());
  }

  async loginSucceeded(username: string, ip: string): Promise<void> {
    const key = userIpKey(username, ip);
    await this.failuresByUserIp.reset(key);
    await this.delayByUserIp.reset(key);
  }

  /** Counts a registration attempt; throws RATE_LIMITED past the hourly allowance. */
  async beforeRegister(ip: string): Promise<void> {
    const state = await this.registrationsByIp.consume(ip);
    if (!state.allowed) throw rateLimited(state);
  }
}

function userIpKey(username: string, ip: string): string {
  return `${username.toLowerCase()}|${ip}`;
}
