import type { Limit, LimitFactory } from '../../ports/rate-limiter.js';
import { rateLimited } from '../errors.js';
import { InFlight } from './in-flight.js';
import { KeyedSerial } from './keyed-serial.js';

export interface LoginLimits {
  /** Attempts per (username, IP) before the growing delay starts. */
  freeFailures: number;
  /** The longest delay between attempts for one (username, IP), in seconds. */
  maxDelaySeconds: number;
  /** Failed logins per IP per hour, whatever the username. */
  ipFailuresPerHour: number;
  /** Failed logins per username per hour, whatever the IP (a device cookie is exempt). */
  userFailuresPerHour: number;
  /** Failed logins per device cookie per hour, while it exempts from the per-username cap. */
  deviceFailuresPerHour: number;
  /** Password checks in flight at once per IP, on this node. */
  concurrentPerIp: number;
  /** Password checks in flight at once per username, on this node. */
  concurrentPerUser: number;
  /** Registrations per IP per hour. */
  registrationsPerIpPerHour: number;
}

/** One admitted password check: exactly one of its two ends must be called. */
export interface LoginAttempt {
  /** The password matched: forget the pair's count and delay, give back what this attempt reserved. */
  succeeded(): Promise<void>;
  /** It did not: the reservations stand as the failure's count. */
  failed(): void;
}

const HOUR = 3600;

/**
 * Brute-force and credential-stuffing brakes for login, password change and registration.
 *
 * Every limit is **reserved before the password is hashed** and given back when the password was
 * right, so a burst of simultaneous guesses cannot all be checked before the first of them is
 * counted (ADR 0014). In order, an attempt:
 * 1. takes a point of its (username, IP) count, atomically, so concurrent attempts get distinct
 *    numbers k. Past `freeFailures`, attempt k must also win a one-at-a-time gate, and whether it
 *    wins or not it blocks the pair for min(2^(k-free-1), max) seconds: hammering during a block
 *    only lengthens it, and a burst gets at most free + 1 checks. This step runs one attempt at a
 *    time per pair on this node, so a shorter block never lands after a longer one;
 * 2. reserves a point of the hourly per-IP cap, then of the per-username cap, or instead of the
 *    latter of its device cookie's own allowance. A refused reservation gives back the ones
 *    before it, so an attempt is counted only where it was checked;
 * 3. takes an in-flight slot for its IP and its username (its device cookie's, when that is what
 *    it counts against, so a spray cannot take the owner's slots), or is refused at once — never
 *    queued — and gives its reservations back.
 * IPs are counted under `keyOfIp(ip)` (IPv6 by prefix), usernames lower-cased; unknown usernames
 * count exactly like known ones, so the answers tell nothing about who exists.
 */
export class LoginThrottle {
  private readonly attemptsByUserIp: Limit;
  private readonly delayByUserIp: Limit;
  private readonly failuresByIp: Limit;
  private readonly failuresByUser: Limit;
  private readonly failuresByDevice: Limit;
  private readonly registrationsByIp: Limit;
  private readonly inFlightByIp: InFlight;
  private readonly inFlightByUser: InFlight;
  private readonly onePerPair = new KeyedSerial();

  constructor(
    factory: LimitFactory,
    private readonly limits: LoginLimits,
    private readonly keyOfIp: (ip: string) => string = (ip) => ip,
  ) {
    this.attemptsByUserIp = factory.create('login-fail-user-ip', { points: 1_000_000, windowSeconds: HOUR });
    this.delayByUserIp = factory.create('login-delay-user-ip', { points: 1, windowSeconds: 1 });
    this.failuresByIp = factory.create('login-fail-ip', { points: limits.ipFailuresPerHour, windowSeconds: HOUR });
    this.failuresByUser = factory.create('login-fail-user', {
      points: limits.userFailuresPerHour,
      windowSeconds: HOUR,
    });
    this.failuresByDevice = factory.create('login-fail-device', {
      points: limits.deviceFailuresPerHour,
      windowSeconds: HOUR,
    });
    this.registrationsByIp = factory.create('register-ip', {
      points: limits.registrationsPerIpPerHour,
      windowSeconds: HOUR,
    });
    this.inFlightByIp = new InFlight(limits.concurrentPerIp);
    this.inFlightByUser = new InFlight(limits.concurrentPerUser);
  }

  /**
   * Admits one password check or throws RATE_LIMITED. `deviceNonce` is the nonce of a valid device
   * cookie of this very account: it replaces the per-username cap by its own allowance, so spraying
   * the account from many addresses cannot lock its owner out of a browser they logged in from.
   */
  async beginLogin(username: string, ip: string, deviceNonce?: string): Promise<LoginAttempt> {
    const ipKey = this.keyOfIp(ip);
    const user = username.toLowerCase();
    const pair = `${user}|${ipKey}`;
    await this.onePerPair.run(pair, () => this.passDelay(pair));
    const { reserved, viaDevice } = await this.reserveCaps(ipKey, user, deviceNonce);
    let release: () => void;
    try {
      release = this.acquireSlots(ipKey, viaDevice ? `${user}#${deviceNonce}` : user);
    } catch (error) {
      await giveBack(reserved);
      throw error;
    }
    let ended = false;
    const end = () => {
      if (ended) return false;
      ended = true;
      release();
      return true;
    };
    return {
      succeeded: async () => {
        if (!end()) return;
        await this.attemptsByUserIp.reset(pair);
        await this.delayByUserIp.reset(pair);
        await giveBack(reserved);
      },
      failed: () => {
        end();
      },
    };
  }

  /** Counts a registration attempt; throws RATE_LIMITED past the hourly allowance. */
  async beforeRegister(ip: string): Promise<void> {
    const state = await this.registrationsByIp.consume(this.keyOfIp(ip));
    if (!state.allowed) throw rateLimited(state);
  }

  private async passDelay(pair: string): Promise<void> {
    const { consumed } = await this.attemptsByUserIp.consume(pair);
    const beyondFree = consumed - this.limits.freeFailures;
    if (beyondFree <= 0) {
      // A block can outlive the hourly count that set it.
      const delay = await this.delayByUserIp.peek(pair);
      if (delay && !delay.allowed && delay.resetMs > 0) throw rateLimited(delay);
      return;
    }
    const seconds = Math.min(this.limits.maxDelaySeconds, 2 ** Math.min(beyondFree - 1, 30));
    const gate = await this.delayByUserIp.consume(pair);
    // Never shorten a longer block that a later attempt already set.
    if (gate.allowed || gate.resetMs < seconds * 1000) await this.delayByUserIp.block(pair, seconds);
    if (!gate.allowed) throw rateLimited({ limit: 1, remaining: 0, resetMs: Math.max(gate.resetMs, seconds * 1000) });
  }

  private acquireSlots(ipKey: string, userSlot: string): () => void {
    if (!this.inFlightByIp.tryAcquire(ipKey)) throw busy(this.inFlightByIp.max);
    if (!this.inFlightByUser.tryAcquire(userSlot)) {
      this.inFlightByIp.release(ipKey);
      throw busy(this.inFlightByUser.max);
    }
    return () => {
      this.inFlightByIp.release(ipKey);
      this.inFlightByUser.release(userSlot);
    };
  }

  private async reserveCaps(
    ipKey: string,
    user: string,
    deviceNonce: string | undefined,
  ): Promise<{ reserved: [Limit, string][]; viaDevice: boolean }> {
    const reserved: [Limit, string][] = [];
    const reserve = async (limit: Limit, key: string) => {
      const state = await limit.consume(key);
      if (state.allowed) reserved.push([limit, key]);
      // A refused reservation counted nothing: it is given back at once.
      else await limit.reward(key);
      return state;
    };
    const refuse = async (state: { limit: number; remaining: number; resetMs: number }) => {
      await giveBack(reserved);
      return rateLimited(state);
    };
    const byIp = await reserve(this.failuresByIp, ipKey);
    if (!byIp.allowed) throw await refuse(byIp);
    if (deviceNonce !== undefined && (await reserve(this.failuresByDevice, deviceNonce)).allowed) {
      return { reserved, viaDevice: true };
    }
    const byUser = await reserve(this.failuresByUser, user);
    if (!byUser.allowed) throw await refuse(byUser);
    return { reserved, viaDevice: false };
  }
}

async function giveBack(reserved: readonly [Limit, string][]): Promise<void> {
  for (const [limit, key] of reserved) await limit.reward(key);
}

/** Too many checks in flight for one key: retry in a second, never wait behind bcrypt. */
function busy(max: number) {
  return rateLimited({ limit: max, remaining: 0, resetMs: 1000 });
}
