import type { User } from '../../../../protocol/index.js';
import type { Clock } from '../../ports/clock.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { Store, StoredUser } from '../../ports/store.js';
import { ParleyError } from '../errors.js';
import { toUser } from '../events.js';
import { checkNewPassword, isBcryptSafe, isValidUsername } from './password-policy.js';
import type { DeviceContext, SecurityLog } from './security-log.js';
import type { IssuedSession, Sessions } from './sessions.js';
import type { LoginThrottle } from './login-throttle.js';

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
}

/** Registration, login and password changes. Tokens and cookies are the edge's business. */
export class Accounts {
  constructor(private readonly deps: AccountsDeps) {}

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
   * answer nor its timing tells which.
   */
  async login(
    username: string,
    password: string,
    device: DeviceContext & { presentedFingerprintHash?: string | undefined },
  ): Promise<IssuedSession> {
    const { throttle, store } = this.deps;
    const found = isValidUsername(username) ? await store.findUserByUsername(username) : undefined;
    const knownDevice =
      found !== undefined &&
      device.presentedFingerprintHash !== undefined &&
      (await store.isKnownDevice(found.id, device.presentedFingerprintHash));
    await throttle.beforeLogin(username, device.ip, knownDevice);
    const matches = await this.deps.hasher.verify(password, found?.passwordHash ?? this.deps.dummyHash);
    if (!found || !matches || !isBcryptSafe(password)) {
      // Unknown users count too, so the throttle's answers tell nothing about who exists.
      await throttle.loginFailed(username, device.ip);
      if (found) await this.deps.securityLog.record('login_failed', found.id, null, device);
      throw new ParleyError('INVALID_CREDENTIALS');
    }
    await throttle.loginSucceeded(username, device.ip);
    const issued = await this.deps.sessions.open(toUser(found), device);
    await this.deps.securityLog.record('login_succeeded', found.id, issued.session.id, device);
    return issued;
  }

  /** Changes the password after checking the current one; optionally ends every other session. */
  async changePassword(
    userId: string,
    currentSessionId: string,
    change: { currentPassword: string; newPassword: string; logoutOtherSessions: boolean },
    device: Omit<DeviceContext, 'fingerprintHash'>,
  ): Promise<void> {
    const user = await this.deps.store.findUserById(userId);
    if (!user) throw new ParleyError('UNAUTHENTICATED');
    // A stolen session must not become a password-guessing oracle: same throttle as login.
    await this.deps.throttle.beforeLogin(user.username, device.ip);
    const matches = await this.deps.hasher.verify(change.currentPassword, user.passwordHash);
    if (!matches || !isBcryptSafe(change.currentPassword)) {
      await this.deps.throttle.loginFailed(user.username, device.ip);
      throw new ParleyError('CURRENT_PASSWORD_WRONG');
    }
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
}
