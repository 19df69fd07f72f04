/**
 * My passkeys: add one (a name, then the browser's own prompt), the list (name, when added, when
 * last used, whether it is synced), rename in place, remove. Removing needs a fresh proof: the API
 * asks for it (the step-up prompt) and retries by itself.
 */
import { startRegistration } from '@simplewebauthn/browser';
import { ApiError } from '../../api.js';
import * as strong from '../../api-strong.js';
import { byId, el, formatDateTime } from '../dom.js';
import { passkeyProblem } from '../passkey-words.js';
import type { SecuritySection } from './totp-section.js';

export function createPasskeysSection(onAuthFailure: () => void): SecuritySection {
  const list = byId('passkeys-list', HTMLUListElement);
  const form = byId('passkey-add-form', HTMLFormElement);
  const name = byId('passkey-name', HTMLInputElement);
  const add = byId('passkey-add', HTMLButtonElement);
  const error = byId('passkeys-error', HTMLParagraphElement);
  const done = byId('passkeys-done', HTMLParagraphElement);
  let busy = false;

  function say(problem: string, news = ''): void {
    error.textContent = problem;
    error.hidden = problem === '';
    done.textContent = news;
  }

  async function act(fn: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = add.disabled = true;
    say('');
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError && err.isAuthFailure) return onAuthFailure();
      if (err instanceof ApiError && err.needsStepUp) say('Not removed: it needs you to confirm it is you.');
      else say(passkeyProblem(err));
    } finally {
      busy = add.disabled = false;
    }
    await load();
  }

  function item(key: strong.Passkey): HTMLLIElement {
    const li = el('li', 'passkey');
    li.dataset['passkeyId'] = key.id;
    const label = el('span', 'passkey-name', key.name);
    const used = key.lastUsedAt === null ? 'never used' : `last used ${formatDateTime(key.lastUsedAt)}`;
    const facts = el(
      'span',
      'dim',
      `added ${formatDateTime(key.createdAt)} · ${used}${key.backedUp ? ' · synced' : ''}`,
    );
    const rename = el('button', 'secondary small', 'rename');
    rename.type = 'button';
    rename.dataset['action'] = 'rename';
    rename.setAttribute('aria-label', `rename ${key.name}`);
    const remove = el('button', 'danger small', 'remove');
    remove.type = 'button';
    remove.dataset['action'] = 'remove';
    remove.setAttribute('aria-label', `remove ${key.name}`);
    rename.addEventListener('click', () => li.replaceChildren(renameForm(key)));
    remove.addEventListener(
      'click',
      () =>
        void act(async () => {
          await strong.removePasskey(key.id);
          say('', `Removed "${key.name}".`);
        }),
    );
    li.append(label, facts, rename, remove);
    return li;
  }

  function renameForm(key: strong.Passkey): HTMLFormElement {
    const f = el('form', 'rename-form');
    const input = el('input');
    input.type = 'text';
    input.maxLength = 64;
    input.value = key.name;
    input.setAttribute('aria-label', `new name for ${key.name}`);
    const save = el('button', 'small', 'save');
    save.type = 'submit';
    const back = el('button', 'secondary small', 'cancel');
    back.type = 'button';
    back.addEventListener('click', () => void load());
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const next = input.value.trim();
      if (next === '') return say('Give it a name.');
      void act(async () => {
        await strong.renamePasskey(key.id, next);
        say('', `Renamed to "${next}".`);
      });
    });
    f.append(input, save, back);
    queueMicrotask(() => input.select());
    return f;
  }

  async function load(): Promise<void> {
    list.setAttribute('aria-busy', 'true');
    try {
      const { passkeys } = await strong.listPasskeys();
      list.replaceChildren(...passkeys.map(item));
      if (passkeys.length === 0) list.append(el('li', 'dim empty', 'No passkeys yet.'));
    } catch (err) {
      if (err instanceof ApiError && err.isAuthFailure) return onAuthFailure();
      say(err instanceof Error ? err.message : 'Could not load your passkeys.');
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const label = name.value.trim();
    if (label === '') {
      say('Give the new passkey a name, so you can tell it apart later.');
      name.focus();
      return;
    }
    void act(async () => {
      const { ceremonyId, options } = await strong.passkeyRegistrationOptions();
      const response = await startRegistration({ optionsJSON: options });
      await strong.addPasskey(ceremonyId, response, label);
      name.value = '';
      say('', `Added "${label}". You can sign in with it instead of your password.`);
    });
  });

  return {
    open() {
      say('');
      name.value = '';
      void load();
    },
    close() {
      list.replaceChildren();
    },
  };
}
