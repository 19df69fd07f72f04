/**
 * TOTP authenticators, recovery codes and second-step login tickets (issue 16). Nothing here is a
 * usable secret at rest: the TOTP secret is encrypted by the core, codes and tickets are hashed.
 *
 * Guarantees:
 * - `enableTotp` enables a pending authenticator and stores its recovery codes in one transaction;
 *   of concurrent calls, exactly one answers 'enabled'.
 * - `useTotpStep` is atomic: a time step is accepted at most once per user, and never one at or
 *   before the last accepted step, even under concurrent calls (replay protection).
 * - `useRecoveryCode` and `takeSecondStepTicket` spend at most once under concurrent calls.
 */
export interface StoredTotp {
  userId: string;
  /** The encrypted secret (core/accounts/factors/secret-box.ts), never the plain one. */
  secretEnc: string;
  createdAt: string;
  /** Null while pending (enrolled, not yet confirmed by a first valid code). */
  enabledAt: string | null;
  /** The last time step a code was accepted for; null: none yet. */
  lastStep: number | null;
}

export interface StoredSecondStepTicket {
  /** SHA-256 (base64url) of the ticket; the ticket itself is never stored. */
  ticketHash: string;
  userId: string;
  /** SHA-256 (base64url) of the device cookie the login set: only that browser may finish. */
  deviceHash: string;
  createdAt: string;
  expiresAt: string;
}

export interface SecondFactorStore {
  /** Stores a pending authenticator, replacing a pending one; 'enabled' (nothing stored) if one is on. */
  saveTotpPending(userId: string, secretEnc: string, at: string): Promise<'saved' | 'enabled'>;
  findTotp(userId: string): Promise<StoredTotp | undefined>;
  /** Pending → enabled at `step`, with these recovery code hashes (replacing any). */
  enableTotp(userId: string, at: string, step: number, codeHashes: string[]): Promise<'enabled' | 'not-pending'>;
  /** Accepts `step` if it is later than the last accepted one (enabled authenticators only). */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  /** Removes the authenticator and every recovery code; false if there was none enabled. */
  deleteTotp(userId: string): Promise<boolean>;

  /** Replaces every recovery code of the user with these hashes. */
  replaceRecoveryCodes(userId: string, codeHashes: string[], at: string): Promise<void>;
  /** Hashes of the user's unused recovery codes. */
  unusedRecoveryCodes(userId: string): Promise<string[]>;
  /** Spends one unused code; answers how many are left, or undefined if it was not unused. */
  useRecoveryCode(userId: string, codeHash: string, at: string): Promise<number | undefined>;

  createSecondStepTicket(ticket: StoredSecondStepTicket): Promise<void>;
  /** A ticket neither used nor expired at `now`. */
  findSecondStepTicket(ticketHash: string, now: string): Promise<StoredSecondStepTicket | undefined>;
  /** Spends a live ticket; false if it was used (or expired) already. */
  takeSecondStepTicket(ticketHash: string, now: string): Promise<boolean>;
}
