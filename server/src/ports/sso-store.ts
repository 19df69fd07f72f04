/**
 * Single sign-on (issue 17): provider identities linked to users, the sign-in flows in flight, and
 * the one-time codes that end them.
 *
 * Guarantees every adapter gives:
 * - An identity is keyed by (issuer, subject), unique across all users: `addSsoIdentity` answers
 *   'taken' for a second link, whoever holds the first.
 * - `createUserWithIdentity` creates the user and its identity in ONE transaction: both or neither.
 * - `consumeSsoFlow` and `consumeSsoCode` mark the row used in ONE conditional statement
 *   (UPDATE … WHERE used_at IS NULL): of any number of concurrent calls for one key, on any node,
 *   exactly one gets 'taken'. A used code stays (with its used_at) until swept, so a second use is
 *   told apart from an unknown code ('reused').
 * - Only hashes of states, codes and tickets are stored; a database dump opens nothing.
 */
export type SsoPurpose = 'login' | 'link';

export interface StoredSsoIdentity {
  id: string;
  userId: string;
  /** The configured provider id (`keycloak`), for display; the key is (issuer, subject). */
  provider: string;
  issuer: string;
  subject: string;
  /** The provider's preferred name or e-mail, for recognition only. */
  label: string;
  linkedAt: string;
}

/** A sign-in begun at `/start` (or a link begun by a signed-in user), waiting for its callback. */
export interface StoredSsoFlow {
  /** SHA-256 of the `state` sent to the provider. */
  stateHash: string;
  provider: string;
  pkceVerifier: string;
  nonce: string;
  /** SHA-256 of the browser-binding cookie set at start. */
  bindingHash: string;
  purpose: SsoPurpose;
  /** The signed-in user who asked to link (purpose 'link'); null for a sign-in. */
  userId: string | null;
  createdAt: string;
  expiresAt: string;
}

/** A provider identity that signed in for the first time and still needs a username. */
export interface PendingSsoIdentity {
  provider: string;
  issuer: string;
  subject: string;
  label: string;
  /** The username derived from the claims (may be invalid or taken by then). */
  wanted: string;
}

/**
 * 'exchange': the one-time code of the redirect (`?sso=`); 'ticket': the username step's ticket.
 * Each carries a user (sign in as them) or a pending identity (create the user first).
 */
export type SsoCodeKind = 'exchange' | 'ticket';

export interface StoredSsoCode {
  codeHash: string;
  kind: SsoCodeKind;
  bindingHash: string;
  userId: string | null;
  pending: PendingSsoIdentity | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export type ConsumedSsoCode = { outcome: 'taken'; code: StoredSsoCode } | { outcome: 'reused'; code: StoredSsoCode };

export interface SsoStore {
  addSsoIdentity(identity: StoredSsoIdentity): Promise<'added' | 'taken'>;
  findSsoIdentity(issuer: string, subject: string): Promise<StoredSsoIdentity | undefined>;
  /** The user's identities, oldest first. */
  listSsoIdentities(userId: string): Promise<StoredSsoIdentity[]>;
  /**
   * Removes one of the user's identities. With `keepOne`, only if another identity of theirs remains
   * ('last' otherwise), decided atomically with the removal, so two at once cannot remove both.
   */
  removeSsoIdentity(userId: string, id: string, keepOne?: boolean): Promise<'removed' | 'not-found' | 'last'>;
  /** The user and its first identity, together or not at all. */
  createUserWithIdentity(
    user: { id: string; username: string; passwordHash: string; createdAt: string },
    identity: StoredSsoIdentity,
  ): Promise<'created' | 'username-taken' | 'identity-taken'>;

  saveSsoFlow(flow: StoredSsoFlow): Promise<void>;
  /** Marks the flow used and returns it, once; undefined when unknown or already used (even if expired: the caller checks). */
  consumeSsoFlow(stateHash: string, now: string): Promise<StoredSsoFlow | undefined>;

  saveSsoCode(code: StoredSsoCode): Promise<void>;
  /** Reads a code without using it (the username step keeps its ticket through a refused name). */
  findSsoCode(codeHash: string): Promise<StoredSsoCode | undefined>;
  /** 'taken' for the first use (the caller checks expiry, kind and binding), 'reused' after; undefined when unknown. */
  consumeSsoCode(codeHash: string, now: string): Promise<ConsumedSsoCode | undefined>;
  /** Makes a code usable again after `consumeSsoCode` took it at `usedAt` (a refused username keeps its ticket). */
  releaseSsoCode(codeHash: string, usedAt: string): Promise<void>;
  /** Removes flows and codes that expired before `before`; answers how many. */
  deleteExpiredSso(before: string): Promise<number>;
}
