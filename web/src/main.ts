/**
 * The entry: theme, login screen and session restore only. The chat (connection, Markdown,
 * highlight.js, KaTeX) is a separate chunk, imported once someone is logged in.
 */
import '@fontsource/vt323/400.css';
import type { LoginResponse } from '../../protocol/frames.js';
import { browserSupportsWebAuthnAutofill, startAuthentication, WebAuthnAbortService } from '@simplewebauthn/browser';
import * as api from './api.js';
import * as strong from './api-strong.js';
import * as sso from './api-sso.js';
import type { ChatApp } from './chat-app.js';
import { suspendedText } from './moderation/words.js';
import { adoptSession, dropSession, installRefresher, refreshSession } from './session-token.js';
import { takeSsoReturn } from './sso-return.js';
import { initTheme, rememberThemeAgain } from './theme.js';
import { createAuthView } from './ui/auth-view.js';
import { passkeyProblem } from './ui/passkey-words.js';
import { createSecondStepView } from './ui/second-step-view.js';
import { createSsoLinks } from './ui/sso-links.js';
import { ssoSignInProblem } from './ui/sso-words.js';
import { createUsernameStepView } from './ui/username-step-view.js';
import { byId } from './ui/dom.js';

// Back from a single sign-on provider: the one-time code leaves the address bar before anything else.
const ssoReturn = takeSsoReturn();

const SESSION_ENDED = 'Your session has ended. Log in again.';
const LOGOUT_WAIT_MS = 4000;

initTheme();

const bootEl = byId('boot', HTMLElement);
let app: ChatApp | null = null;
let screen: 'boot' | 'auth' | 'chat' = 'boot';

const loadChat = () => import('./chat-app.js');

const auth = createAuthView({
  login: async (creds) => loggedIn(await api.login(creds)),
  async register(creds) {
    await api.register(creds);
    await loggedIn(await api.login(creds));
  },
  async passkey() {
    const { ceremonyId, options } = await strong.passkeyLoginOptions();
    const response = await startAuthentication({ optionsJSON: options });
    await start(await strong.passkeyLogin(ceremonyId, response));
  },
  // While someone types their password, fetch the chat chunk so the first screen after it is instant.
  warm: () => void loadChat().catch(() => undefined),
});

/**
 * The browser's autofill UI for passkeys, where it has one: the username field offers my passkeys
 * beside saved passwords (a conditional request, pending while the login screen shows). Pressing
 * "sign in with a passkey" or logging in otherwise cancels it; a cancelled one says nothing.
 */
async function offerPasskeyAutofill(): Promise<void> {
  if (!(await browserSupportsWebAuthnAutofill())) return;
  const { ceremonyId, options } = await strong.passkeyLoginOptions();
  const response = await startAuthentication({ optionsJSON: options, useBrowserAutofill: true });
  await start(await strong.passkeyLogin(ceremonyId, response));
}

function autofill(): void {
  offerPasskeyAutofill().catch((err: unknown) => {
    // Only the server's word is news here; the browser's cancellations and timeouts are not.
    if (err instanceof api.ApiError && !err.isNetwork && screen === 'auth') auth.show(passkeyProblem(err));
  });
}

const secondStep = createSecondStepView({
  answer: strong.secondStep,
  done: start,
  back: (message) => auth.show(message),
});

const ssoLinks = createSsoLinks(sso.providers);
const usernameStep = createUsernameStepView({
  choose: sso.chooseUsername,
  done: start,
  back: (message) => auth.show(message),
});

/** A password login either signed in, or (with an authenticator app on) asks for the second step. */
async function loggedIn(res: Awaited<ReturnType<typeof api.login>>): Promise<void> {
  if (!('secondStep' in res)) return start(res);
  auth.hideForm();
  secondStep.show(res.secondStep);
}

installRefresher((err) =>
  endSession(err.code === 'ACCOUNT_SUSPENDED' ? suspendedText(err.details.reason) : SESSION_ENDED),
);

async function start(res: LoginResponse): Promise<void> {
  const { startChat } = await loadChat();
  adoptSession(res);
  bootEl.hidden = true;
  WebAuthnAbortService.cancelCeremony(); // the autofill offer, if one is pending
  secondStep.hide();
  usernameStep.hide();
  auth.hide();
  screen = 'chat';
  app?.stop();
  app = startChat(res.user, {
    onSessionEnded: (message) => endSession(message),
    onLogout: (everywhere) => void logout(everywhere),
  });
}

/** Set while "log out everywhere" waits for the server: the socket it closes (4401) is no surprise then. */
let leaving = false;

async function logout(everywhere: boolean): Promise<void> {
  if (everywhere) {
    // Ending every session needs a fresh proof: the step-up prompt asks for it while the chat is still up,
    // and a "no" there ends nothing.
    leaving = true;
    const refused = await api.logout(true).then(
      () => false,
      (err: unknown) => err instanceof api.ApiError && err.needsStepUp,
    );
    leaving = false;
    if (refused) return;
  }
  const request = everywhere ? Promise.resolve() : api.logout(false).catch(() => undefined);
  // Stop the socket first, so the server closing it (4401) does not look like an expired session.
  app?.stop();
  app = null;
  await Promise.race([request, new Promise((resolve) => setTimeout(resolve, LOGOUT_WAIT_MS))]);
  rememberThemeAgain();
  endSession('');
}

function endSession(message: string): void {
  if (screen === 'auth' || leaving) return;
  screen = 'auth';
  app?.stop();
  app = null;
  dropSession();
  bootEl.hidden = true;
  auth.show(message);
  void ssoLinks.load();
  autofill();
}

/**
 * Back from a provider with a one-time code: traded with a POST (its binding cookie goes along), then
 * signed in exactly as a password login is, or, on a first sign-in whose name is taken, the username step.
 */
async function finishSso(code: string): Promise<void> {
  try {
    const res = await sso.exchange(code);
    if (!('chooseUsername' in res)) return await loggedIn(res);
    endSession('');
    auth.hideForm();
    usernameStep.show(res.chooseUsername);
  } catch (err) {
    endSession(ssoSignInProblem(err));
  }
}

async function boot(): Promise<void> {
  if (ssoReturn.code !== null) return finishSso(ssoReturn.code);
  try {
    // A reload stays logged in: the HttpOnly refresh cookie buys a new access token.
    await start(await refreshSession());
    // Back from linking a provider on the security page: open it again, saying so.
    if (ssoReturn.linked !== null) app?.showLinked(ssoReturn.linked);
  } catch (err) {
    screen = 'chat'; // so endSession shows the login screen
    // A suspended account says so at once, rather than a blank login form that will refuse it.
    const suspended = err instanceof api.ApiError && err.code === 'ACCOUNT_SUSPENDED';
    endSession(suspended ? suspendedText(err.details.reason) : '');
  }
}

void boot();
