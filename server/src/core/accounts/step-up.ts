import { STEP_UP_WINDOW_SECONDS } from '../../../../protocol/index.js';
import type { Clock } from '../../ports/clock.js';
import type { SessionStore } from '../../ports/session-store.js';
import { ParleyError } from '../errors.js';

/*
 * PLACEHOLDER from i16-passkeys, written against the shared contract's names so the passkey routes
 * build before i16-totp lands: the totp branch owns this file and its version (proof_at on sessions)
 * replaces this one at merge. Until then a session's login is its only proof.
 */

export interface ProofDeps {
  store: Pick<SessionStore, 'findSession'>;
  clock: Clock;
}

export async function requireRecentProof(deps: ProofDeps, sessionId: string): Promise<void> {
  const session = await deps.store.findSession(sessionId);
  const proofAt = session ? Date.parse(session.createdAt) : Number.NaN;
  if (!(deps.clock.now() - proofAt <= STEP_UP_WINDOW_SECONDS * 1000)) throw new ParleyError('STEP_UP_REQUIRED');
}

export function recordProof(deps: ProofDeps, _sessionId: string, at: number = deps.clock.now()): Promise<string> {
  return Promise.resolve(new Date(at + STEP_UP_WINDOW_SECONDS * 1000).toISOString());
}
