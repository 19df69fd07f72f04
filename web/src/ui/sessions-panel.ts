/**
 * "My sessions": every live session of mine (device, IP, created, last seen) with a button to end
 * any other one, "log out everywhere", and my recent security events. A modal <dialog>: focus
 * stays inside, Escape closes it, and focus returns to the button that opened it.
 */
import { listSessions, revokeSession, securityEvents, type SecurityEvent, type SessionInfo } from '../api.js';
import { describeDevice } from './device.js';
import { dialogFailure } from './dialog-failure.js';
import { byId, el, formatDateTime } from './dom.js';

export interface SessionsHandlers {
  onLogoutEverywhere(): void;
  onAuthFailure(): void;
}

export interface SessionsPanel {
  open(): void;
  close(): void;
}

const EVENT_LABELS: Record<string, string> = {
  login_succeeded: 'logged in',
  login_failed: 'failed login',
  refresh: 'session renewed',
  logout: 'logged out',
  session_revoked: 'session ended',
  refresh_token_reused: 'refresh token reused — sessions ended',
  password_changed: 'password changed',
};

export function createSessionsPanel(handlers: SessionsHandlers): SessionsPanel {
  const dialog = byId('sessions-dialog', HTMLDialogElement);
  const list = byId('sessions-list', HTMLUListElement);
  const events = byId('events-list', HTMLOListElement);
  const error = byId('sessions-error', HTMLParagraphElement);
  byId('sessions-close', HTMLButtonElement).addEventListener('click', () => dialog.close());
  byId('logout-all-btn', HTMLButtonElement).addEventListener('click', () => {
    dialog.close();
    handlers.onLogoutEverywhere();
  });

  const fail = dialogFailure(dialog, error, () => handlers.onAuthFailure(), 'Loading failed.');

  function sessionItem(s: SessionInfo): HTMLLIElement {
    const li = el('li', s.current ? 'session current' : 'session');
    li.dataset['sessionId'] = s.id;
    const device = el('strong', 'device', describeDevice(s.userAgent));
    device.title = s.userAgent;
    const head = el('div', 'session-head');
    head.append(device);
    if (s.current) head.append(el('span', 'badge', 'this device'));
    const info = el(
      'div',
      'dim',
      `ip ${s.ip} · since ${formatDateTime(s.createdAt)} · seen ${formatDateTime(s.lastSeenAt)}`,
    );
    li.append(head, info);
    if (!s.current) {
      const revoke = el('button', 'secondary small revoke', 'end session');
      revoke.type = 'button';
      revoke.setAttribute('aria-label', `End the session on ${describeDevice(s.userAgent)} from ${s.ip}`);
      revoke.addEventListener('click', () => void end(s.id, revoke));
      li.append(revoke);
    }
    return li;
  }

  function eventItem(e: SecurityEvent): HTMLLIElement {
    const li = el('li', 'event');
    li.dataset['kind'] = e.kind;
    const time = el('time', 'dim', formatDateTime(e.at));
    time.dateTime = e.at;
    li.append(time, el('span', 'kind', ` ${EVENT_LABELS[e.kind] ?? e.kind.replaceAll('_', ' ')}`));
    li.append(el('span', 'dim', ` · ${describeDevice(e.userAgent)} · ${e.ip}`));
    return li;
  }

  async function end(id: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await revokeSession(id);
      await load();
    } catch (err) {
      button.disabled = false;
      fail(err);
    }
  }

  async function load(): Promise<void> {
    dialog.setAttribute('aria-busy', 'true');
    try {
      const [s, e] = await Promise.all([listSessions(), securityEvents(30)]);
      error.hidden = true;
      list.replaceChildren(...s.sessions.map(sessionItem));
      events.replaceChildren(...e.events.map(eventItem));
    } catch (err) {
      fail(err);
    } finally {
      dialog.removeAttribute('aria-busy');
    }
  }

  return {
    open() {
      error.hidden = true;
      if (!dialog.open) dialog.showModal();
      void load();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
