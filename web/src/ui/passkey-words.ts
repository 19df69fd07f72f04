/**
 * What a failed passkey ceremony says, in plain words: the browser's own refusals (cancelled, no
 * passkey here, already registered) and the server's (not accepted, too old).
 */
import { ApiError } from '../api.js';

export function passkeyProblem(err: unknown): string {
  if (err instanceof ApiError) {
    const code = err.code as string;
    if (code === 'PASSKEY_INVALID' || code === 'PASSKEY_NOT_FOUND') return 'That passkey was not accepted.';
    if (code === 'CHALLENGE_INVALID') return 'That took too long, or was already used. Try again.';
    if (code === 'PASSKEYS_UNAVAILABLE') return 'Passkeys are not set up on this server.';
    return err.message;
  }
  const name = err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError')
    return 'No passkey was used (cancelled, or it took too long).';
  if (name === 'InvalidStateError') return 'This device already holds a passkey for this account.';
  if (name === 'NotSupportedError' || name === 'SecurityError') return 'This browser cannot use passkeys here.';
  return err instanceof Error && err.message !== '' ? err.message : 'The passkey did not work.';
}
