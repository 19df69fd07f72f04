import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import type { SecurityLog } from '../accounts/security-log.js';
import type { Sessions } from '../accounts/sessions.js';
import { ParleyError } from '../errors.js';

/** Who passkeys are for: the relying party the browser checks, and the origins it may be used from. */
export interface RelyingParty {
  rpId: string;
  rpName: string;
  origins: string[];
}

/** Proofs of presence on a session (step-up.ts, owned by the step-up work; wired in app.ts). */
export interface Proofs {
  /** Throws STEP_UP_REQUIRED unless the session proved itself within the window. */
  requireRecent(userId: string, sessionId: string): Promise<void>;
  /** Records a proof now; answers until when it counts (ISO). */
  record(sessionId: string): Promise<string>;
}

export interface PasskeyContext {
  store: Store;
  clock: Clock;
  securityLog: SecurityLog;
  sessions: Sessions;
  proofs: Proofs;
  newId(): string;
  /** Undefined when the server has no relying party (production without WEBAUTHN_*). */
  relyingParty(): RelyingParty | undefined;
}

/** The relying party, or 503 PASSKEYS_UNAVAILABLE. */
export function relyingPartyOf(ctx: PasskeyContext): RelyingParty {
  const rp = ctx.relyingParty();
  if (!rp || rp.origins.length === 0) throw new ParleyError('PASSKEYS_UNAVAILABLE');
  return rp;
}

/** Where a request came from, for the security log. */
export interface Via {
  ip: string;
  userAgent: string;
}

export const iso = (ms: number) => new Date(ms).toISOString();
