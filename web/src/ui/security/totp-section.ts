/**
 * The authenticator app (TOTP): set up with a QR code and the secret as text, switched on only by its
 * first code; then ten recovery codes shown once. Turning it off and new recovery codes need a fresh
 * proof: the API asks for it (the step-up prompt) and retries by itself.
 */
import { ApiError } from '../../api.js';
import * as strong from '../../api-strong.js';
import { byId } from '../dom.js';
import { qrSvg } from './qr-svg.js';
import { createRecoveryBox } from './recovery-codes.js';

export interface SecuritySection {
  open(): void;
  close(): void;
}

export function createTotpSection(onAuthFailure: () => void): SecuritySection {
  const state = byId('totp-state', HTMLParagraphElement);
  const begin = byId('totp-begin', HTMLButtonElement);
  const disable = byId('totp-disable', HTMLButtonElement);
  const regenerate = byId('recovery-regenerate', HTMLButtonElement);
  const enrol = byId('totp-enrol', HTMLFormElement);
  const qr = byId('totp-qr', HTMLDivElement);
  const secret = byId('totp-secret', HTMLElement);
  const code = byId('totp-code', HTMLInputElement);
  const cancel = byId('totp-cancel', HTMLButtonElement);
  const error = byId('totp-error', HTMLParagraphElement);
  const done = byId('totp-done', HTMLParagraphElement);
  const recovery = createRecoveryBox((text) => (done.textContent = text));
  let busy = false;

  function say(problem: string, news = ''): void {
    error.textContent = problem;
    error.hidden = problem === '';
    done.textContent = news;
  }

  function showEnrolment(on: boolean): void {
    enrol.hidden = !on;
    if (!on) {
      qr.replaceChildren();
      secret.textContent = code.value = '';
    }
  }

  async function refresh(): Promise<void> {
    state.setAttribute('aria-busy', 'true');
    try {
      const factors = await strong.secondFactors();
      state.textContent = factors.totp
        ? `On. ${factors.recoveryCodesLeft} recovery code${factors.recoveryCodesLeft === 1 ? '' : 's'} left.`
        : 'Off. Turn it on to ask for a code after your password.';
      state.dataset['totp'] = factors.totp ? 'on' : 'off';
      begin.hidden = factors.totp || !enrol.hidden;
      disable.hidden = regenerate.hidden = !factors.totp;
    } catch (err) {
      fail(err);
    } finally {
      state.removeAttribute('aria-busy');
    }
  }

  function fail(err: unknown): void {
    if (err instanceof ApiError && err.isAuthFailure) return onAuthFailure();
    if (err instanceof ApiError && err.needsStepUp) return say('Not changed: it needs you to confirm it is you.');
    if (err instanceof ApiError && (err.code as string) === 'INVALID_CODE') {
      say('That code is not correct. Check the time on your device and try the newest one.');
      code.select();
      return;
    }
    say(err instanceof Error ? err.message : 'Something failed.');
  }

  async function act(fn: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = true;
    say('');
    try {
      await fn();
    } catch (err) {
      fail(err);
    } finally {
      busy = false;
      await refresh();
    }
  }

  begin.addEventListener(
    'click',
    () =>
      void act(async () => {
        const pending = await strong.beginTotp();
        recovery.hide();
        qr.replaceChildren(qrSvg(pending.otpauthUrl));
        secret.textContent = pending.secret;
        showEnrolment(true);
        begin.hidden = true;
        code.focus();
      }),
  );
  enrol.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = code.value.trim();
    if (value === '') return say('Enter the code your app shows.');
    void act(async () => {
      const { recoveryCodes } = await strong.confirmTotp(value);
      showEnrolment(false);
      say('', 'The authenticator app is on. Save your recovery codes now.');
      recovery.show(recoveryCodes);
    });
  });
  cancel.addEventListener('click', () => {
    showEnrolment(false);
    say('');
    void refresh();
  });
  disable.addEventListener(
    'click',
    () =>
      void act(async () => {
        await strong.disableTotp();
        recovery.hide();
        say('', 'The authenticator app is off: your password alone signs you in.');
      }),
  );
  regenerate.addEventListener(
    'click',
    () =>
      void act(async () => {
        const { recoveryCodes } = await strong.regenerateRecoveryCodes();
        say('', 'New recovery codes: the old ones no longer work.');
        recovery.show(recoveryCodes);
      }),
  );

  return {
    open() {
      showEnrolment(false);
      recovery.hide();
      say('');
      void refresh();
    },
    close() {
      showEnrolment(false);
      recovery.hide();
    },
  };
}
