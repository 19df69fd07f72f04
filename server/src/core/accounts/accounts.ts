import type { User } from '../../../../protocol/index.js';
import type { Clock } from '../../ports/clock.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { Store, StoredSession, StoredUser } from '../../ports/store.js';
import { ParleyError } from '../errors.js';
import { toUser } from '../events.js';
import { checkNewPassword, isBcryptSafe, isValidUsername } from './password-policy.js';

export interface AccountsDeps {
  store: Store;
  hasher: PasswordHasher;
  clock: Clock;
  /** Lower-cased common passwords that may not be chosen. */
  commonPasswords: ReadonlySet<string>;
  /** A hash of a random secret at the configured cost: compared against when the user is unknown. */
  dummyHash: string;
  newId(): string;
}

export interface DeviceContext {
  /** SHA-256 of the device fingerprint cookie the edge set for this login. */
  fingerprintHash: string;
  ip: string;
  userAgent: string;
}

/** Registration and login. Tokens and cookies are the edge's business; this is who and whether. */
export class Accounts {
  constructor(private readonly deps: AccountsDeps) {}

  async register(username: string, password: string): Promise<User> {
    if (!isValidUsername(username)) throw new ParleyError('INVALID_USERNAME');
    checkNewPassword(password, this.deps.commonPasswords);
    const user: StoredUser = {
      id: this.deps.newId(),
      username,
      passwordHash: await this.deps.hasher.hash(password),
      createdAt: this.nowIso(),
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
    device: DeviceContext,
  ): Promise<{ user: User; session: StoredSession }> {
    const found = isValidUsername(username) ? await this.deps.store.findUserByUsername(username) : undefined;
    const matches = await this.deps.hasher.verify(password, found?.passwordHash ?? this.deps.dummyHash);
    if (!found || !matches || !isBcryptSafe(password)) throw new ParleyError('INVALID_CREDENTIALS');

    const now = this.nowIso();
    const session: StoredSession = {
      id: this.deps.newId(),
      userId: found.id,
      fingerprintHash: device.fingerprintHash,
      createdAt: now,
      lastSeenAt: now,
      ip: device.ip,
      userAgent: device.userAgent.slice(0, 512),
      revokedAt: null,
    };
    await this.deps.store.createSession(session);
    return { user: toUser(found), session };
  }

  /** The user behind a live session, or undefined when the session is unknown or revoked. */
  async activeSession(sessionId: string, userId: string): Promise<{ user: User; session: StoredSession } | undefined> {
    const session = await this.deps.store.findSession(sessionId);
    if (!session || session.revokedAt !== null || session.userId !== userId) return undefined;
    const user = await this.deps.store.findUserById(userId);
    return user ? { user: toUser(user), session } : undefined;
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
