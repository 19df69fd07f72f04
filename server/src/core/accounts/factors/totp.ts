import type { Clock } from '../../../ports/clock.js';
import type { Store } from '../../../ports/store.js';
import { ParleyError } from '../../errors.js';
import type { DeviceContext, SecurityLog } from '../security-log.js';
import { requireRecentProof } from '../step-up.js';
import { findRecoveryCode, hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import type { SecretBox } from './secret-box.js';
import { matchingStep, newTotpSecret, otpauthUrl } from './totp-codes.js';

type Via = Omit<DeviceContext, 'fingerprintHash'>;

export interface TotpDeps {
  store: Store;
  clock: Clock;
  securityLog: SecurityLog;
  /** Undefined in production without TOTP_ENCRYPTION_KEY: TOTP is then unavailable (503). */
  box: SecretBox | undefined;
}

/** What a presented second factor was: a TOTP code or one of the recovery codes. */
export type PresentedCode = { code: string } | { recoveryCode: string };

/**
 * An authenticator app (TOTP) as a second factor, with its recovery codes. Enrolment is pending
 * until the first valid code; a code is accepted once (the last used time step is kept per user);
 * a recovery code once. Turning it off and new recovery codes need a recent proof (step-up).
 */
export class Totp {
  constructor(private readonly deps: TotpDeps) {}

  async isOn(userId: string): Promise<boolean> {
    const totp = await this.deps.store.findTotp(userId);
    return totp?.enabledAt != null;
  }

  /** Starts (or restarts) enrolment: a new secret, pending until confirmed. */
  async enrol(userId: string, username: string): Promise<{ secret: string; otpauthUrl: string }> {
    const box = this.box();
    const secret = newTotpSecret();
    const at = this.nowIso();
    if ((await this.deps.store.saveTotpPending(userId, box.seal(secret, userId), at)) === 'enabled') {
      throw new ParleyError('TOTP_ALREADY_ENABLED');
    }
    return { secret, otpauthUrl: otpauthUrl(secret, username) };
  }

  /** The first valid code turns the pending authenticator on; answers the recovery codes, once. */
  async confirm(userId: string, sessionId: string, code: string, via: Via): Promise<{ recoveryCodes: string[] }> {
    const box = this.box();
    const totp = await this.deps.store.findTotp(userId);
    if (!totp) throw new ParleyError('TOTP_NOT_ENABLED');
    if (totp.enabledAt !== null) throw new ParleyError('TOTP_ALREADY_ENABLED');
    const step = matchingStep(this.open(box, totp.secretEnc, userId), code.trim(), this.deps.clock.now());
    if (step === undefined) throw new ParleyError('INVALID_CODE');
    const recoveryCodes = newRecoveryCodes();
    const outcome = await this.deps.store.enableTotp(userId, this.nowIso(), step, recoveryCodes.map(hashRecoveryCode));
    if (outcome !== 'enabled') throw new ParleyError('TOTP_ALREADY_ENABLED');
    await this.deps.securityLog.record('totp_enabled', userId, sessionId, via);
    return { recoveryCodes };
  }

  async disable(userId: string, sessionId: string, via: Via): Promise<void> {
    await requireRecentProof(this.deps, sessionId);
    if (!(await this.deps.store.deleteTotp(userId))) throw new ParleyError('TOTP_NOT_ENABLED');
    await this.deps.securityLog.record('totp_disabled', userId, sessionId, via);
  }

  async regenerateRecoveryCodes(userId: string, sessionId: string): Promise<{ recoveryCodes: string[] }> {
    await requireRecentProof(this.deps, sessionId);
    if (!(await this.isOn(userId))) throw new ParleyError('TOTP_NOT_ENABLED');
    const recoveryCodes = newRecoveryCodes();
    await this.deps.store.replaceRecoveryCodes(userId, recoveryCodes.map(hashRecoveryCode), this.nowIso());
    return { recoveryCodes };
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    return (await this.isOn(userId)) ? (await this.deps.store.unusedRecoveryCodes(userId)).length : 0;
  }

  /**
   * True when the code is right now and was not used before (TOTP), or is an unused recovery code
   * (then spent, and recorded with how many are left). The caller counts a false toward the throttle.
   */
  async check(userId: string, presented: PresentedCode, sessionId: string | null, via: Via): Promise<boolean> {
    const totp = await this.deps.store.findTotp(userId);
    if (!totp?.enabledAt) return false;
    if ('code' in presented) {
      const box = this.box();
      const step = matchingStep(this.open(box, totp.secretEnc, userId), presented.code.trim(), this.deps.clock.now());
      return step !== undefined && (await this.deps.store.useTotpStep(userId, step));
    }
    const hash = findRecoveryCode(presented.recoveryCode, await this.deps.store.unusedRecoveryCodes(userId));
    if (hash === undefined) return false;
    const remaining = await this.deps.store.useRecoveryCode(userId, hash, this.nowIso());
    if (remaining === undefined) return false;
    await this.deps.securityLog.record('recovery_code_used', userId, sessionId, via, { remaining });
    return true;
  }

  private box(): SecretBox {
    if (!this.deps.box) throw new ParleyError('TOTP_UNAVAILABLE');
    return this.deps.box;
  }

  /** A secret sealed under another TOTP_ENCRYPTION_KEY cannot be read: 503, not a wrong code. */
  private open(box: SecretBox, sealed: string, userId: string): string {
    try {
      return box.open(sealed, userId);
    } catch {
      throw new ParleyError('TOTP_UNAVAILABLE');
    }
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
