/**
 * WebAuthn credentials (passkeys) and the challenges of ceremonies in flight.
 *
 * Guarantees every adapter gives (server/test/contract/passkeys.contract.ts proves them):
 * - A credential id is unique across all users: `addPasskey` answers 'taken' for a second one.
 * - `consumePasskeyChallenge` removes and returns the challenge in ONE statement (DELETE … RETURNING):
 *   of any number of concurrent calls for one id, on any node, exactly one gets it. It is returned
 *   even when expired (the caller checks expiry, purpose and binding, and refuses; it is gone either way).
 * - `updatePasskeyUse` writes the new counter only when it is greater than the stored one (or both are
 *   0, for authenticators that keep no counter): a response raced or replayed with an old counter loses.
 */
export type PasskeyPurpose = 'register' | 'login' | 'step-up';

export interface StoredPasskey {
  /** The credential id, base64url. */
  id: string;
  userId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  /** 'singleDevice' | 'multiDevice'. */
  deviceType: string;
  backedUp: boolean;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface StoredPasskeyChallenge {
  /** The ceremony id the client sends back: random, unguessable. */
  id: string;
  challenge: string;
  purpose: PasskeyPurpose;
  /** The session (register, step-up) or the SHA-256 of the device fingerprint cookie (login). */
  boundTo: string;
  /** The signed-in user (register, step-up); null for a sign-in. */
  userId: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface PasskeyStore {
  addPasskey(passkey: StoredPasskey): Promise<'added' | 'taken'>;
  findPasskey(id: string): Promise<StoredPasskey | undefined>;
  /** The user's passkeys, oldest first. */
  listPasskeys(userId: string): Promise<StoredPasskey[]>;
  renamePasskey(userId: string, id: string, name: string): Promise<boolean>;
  removePasskey(userId: string, id: string): Promise<boolean>;
  updatePasskeyUse(
    id: string,
    use: { counter: number; backedUp: boolean; lastUsedAt: string },
  ): Promise<'updated' | 'stale'>;

  savePasskeyChallenge(challenge: StoredPasskeyChallenge): Promise<void>;
  consumePasskeyChallenge(id: string): Promise<StoredPasskeyChallenge | undefined>;
  /** Removes challenges that expired before `now`; answers how many. */
  deleteExpiredPasskeyChallenges(now: string): Promise<number>;
}
