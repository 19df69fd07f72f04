import type { User } from '../../../../protocol/index.js';
import type { Clock } from '../../ports/clock.js';
import { noMetrics, type Metrics } from '../../ports/metrics.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { Store, StoredUser } from '../../ports/store.js';
import { ParleyError, refusedWith } from '../errors.js';
import { toUser } from '../events.js';
import { checkPasswordThrottled } from './password-check.js';
import { checkNewPassword, isValidUsername } from './password-policy.js';
import type { DeviceContext, SecurityLog } from './security-log.js';
import type { IssuedSession, Sessions } from './sessions.js';
import type { LoginThrottle } from './login-throttle.js';
import { requireRecentProof } from './step-up.js';

/** A device cookie whose signature the edge verified: whose it is, and its nonce. */
export interface PresentedDevice {
  userId: string;
  nonce: string;
}

export interface AccountsDeps {
  store: Store;
  hasher: PasswordHasher;
  clock: Clock;
  sessions: Sessions;
  securityLog: SecurityLog;
  throttle: LoginThrottle;
  /** Lower-cased common passwords that may not be chosen. */
  commonPasswords: ReadonlySet<string>;
  /** A hash of a random secret at the configured cost: compared against when the user is unknown. */
  dummyHash: string;
  newId(): string;
  /** Counts login outcomes; default nothing. */
  metrics?: Metrics;
  /** Whether the account has a second factor on (TOTP): then a right password opens no session. */
  secondFactorOn?: (userId: string) => Promise<boolean>;
}

/** A right password for an account with TOTP on: the edge starts the second step for this user. */
export interface NeedsSecondStep {
  needsSecondStep: User;
}

/** Registration, login and password changes. Tokens and cookies are the edge's business. */
export class Accounts {
  private readonly metrics: Metrics;

  constructor(private readonly deps: AccountsDeps) {
    this.metrics = deps.metrics ?? noMetrics;
  }

  async register(username: string, password: string, ip: string): Promise<User> {
    await this.deps.throttle.beforeRegister(ip);
    if (!isValidUsername(username)) throw new ParleyError('INVALID_USERNAME');
    checkNewPassword(password, this.deps.commonPasswords);
    const user: StoredUser = {
      id: this.deps.newId(),
      username,
      passwordHash: await this.deps.hasher.hash(password),
      createdAt: new Date(this.deps.clock.now()).toISOString(),
    };
    const result = await this.deps.store.createUser(user);
    if (result === 'taken') throw new ParleyError('USERNAME_TAKEN');
    return toUser(user);
  }

  /**
   * Checks the password and opens a session. An unknown user, a wrong password and a password bcrypt
   * could not check whole all give INVALID_CREDENTIALS after one bcrypt comparison, so neither the
   * answer nor its timing tells which. The throttle admits the attempt first (or refuses it with no
   * comparison at all); a device cookie only counts for the account it was issued to.
   */
  async login(
    username: string,
    password: string,
    device: DeviceContext & { presentedDevice?: PresentedDevice | undefined },
  ): Promise<IssuedSession | NeedsSecondStep> {
    const found = isValidUsername(username) ? await this.deps.store.findUserByUsername(username) : undefined;
    const deviceNonce =
      found !== undefined && device.presentedDevice?.userId === found.id ? device.presentedDevice.nonce : undefined;
    // Unknown users count too, so the throttle's answers tell nothing about who exists.
    const matches = await this.checkPassword(username, device.ip, deviceNonce, password, found?.passwordHash);
    if (!found || !matches) {
      this.metrics.login('failure');
      if (found) await this.deps.securityLog.record('login_failed', found.id, null, device);
      throw new ParleyError('INVALID_CREDENTIALS');
    }
    // Only after the password: a wrong one must not learn that the account is suspended.
    if (found.suspension) {
      this.metrics.login('failure');
      await this.deps.securityLog.record('login_failed', found.id, null, device);
      throw refusedWith('ACCOUNT_SUSPENDED', { reason: found.suspension.reason });
    }
    // Not a proof yet, and no session: the code must follow (factors/second-step.ts).
    if (await this.deps.secondFactorOn?.(found.id)) return { needsSecondStep: toUser(found) };
    const issued = await this.deps.sessions.open(toUser(found), device);
    this.metrics.login('success');
    await this.deps.securityLog.record('login_succeeded', found.id, issued.session.id, device);
    return issued;
  }

  /** Changes the password after checking the current one; optionally ends every other session. */
  async changePassword(
    userId: string,
    currentSessionId: string,
    change: { currentPassword: string; newPassword: string; logoutOtherSessions: boolean },
    device: Omit<DeviceContext, 'fingerprintHash'> & { presentedDevice?: PresentedDevice | undefined },
  ): Promise<void> {
    const user = await this.deps.store.findUserById(userId);
    if (!user) throw new ParleyError('UNAUTHENTICATED');
    await requireRecentProof(this.deps, currentSessionId);
    // A stolen session must not become a password-guessing oracle: same throttle as login.
    const deviceNonce = device.presentedDevice?.userId === user.id ? device.presentedDevice.nonce : undefined;
    const matches = await this.checkPassword(
      user.username,
      device.ip,
      deviceNonce,
      change.currentPassword,
      user.passwordHash,
    );
    if (!matches) throw new ParleyError('CURRENT_PASSWORD_WRONG');
    checkNewPassword(change.newPassword, this.deps.commonPasswords);
    await this.deps.store.updatePasswordHash(userId, await this.deps.hasher.hash(change.newPassword));
    await this.deps.securityLog.record('password_changed', userId, currentSessionId, device);
    if (change.logoutOtherSessions) {
      await this.deps.sessions.revoke(
        { userId, exceptSessionId: currentSessionId },
        'password_changed',
        userId,
        device,
      );
    }
  }

  private checkPassword(
    username: string,
    ip: string,
    deviceNonce: string | undefined,
    password: string,
    hash: string | undefined,
  ): Promise<boolean> {
    return checkPasswordThrottled(this.deps, { username, ip, deviceNonce }, password, hash);
  }
}
