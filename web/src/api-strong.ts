/**
 * Strong sign-in over HTTP: the second step of a password login, passkey sign-in, step-up, and my
 * second factors (TOTP, recovery codes, passkeys). The WebAuthn options and responses are the JSON
 * forms @simplewebauthn/browser takes and gives; the server checks them.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import type { LoginResponse } from '../../protocol/frames.js';
import { request } from './api.js';

export interface Ceremony<T> {
  ceremonyId: string;
  options: T;
}

/** The second step of a password login: a TOTP code or a recovery code, with the ticket. */
export function secondStep(
  ticket: string,
  answer: { code: string } | { recoveryCode: string },
): Promise<LoginResponse> {
  return request('/auth/login/second-step', { method: 'POST', body: { ticket, ...answer } });
}

export function passkeyLoginOptions(): Promise<Ceremony<PublicKeyCredentialRequestOptionsJSON>> {
  return request('/auth/passkey/options', { method: 'POST', body: {} });
}

export function passkeyLogin(ceremonyId: string, response: AuthenticationResponseJSON): Promise<LoginResponse> {
  return request('/auth/passkey', { method: 'POST', body: { ceremonyId, response } });
}

export interface Proof {
  proofUntil: string;
}

/** A fresh proof for this session: the password, and a code when TOTP is on. Never asks for a step-up itself. */
export function stepUpWithPassword(password: string, code?: string): Promise<Proof> {
  const body = code === undefined || code === '' ? { password } : { password, code };
  return request('/auth/step-up', { method: 'POST', body, auth: true, stepUp: false });
}

export function stepUpPasskeyOptions(): Promise<Ceremony<PublicKeyCredentialRequestOptionsJSON>> {
  return request('/auth/step-up/passkey/options', { method: 'POST', body: {}, auth: true, stepUp: false });
}

export function stepUpWithPasskey(ceremonyId: string, response: AuthenticationResponseJSON): Promise<Proof> {
  return request('/auth/step-up/passkey', {
    method: 'POST',
    body: { ceremonyId, response },
    auth: true,
    stepUp: false,
  });
}

export interface SecondFactors {
  totp: boolean;
  recoveryCodesLeft: number;
  passkeys: number;
}

export function secondFactors(): Promise<SecondFactors> {
  return request('/me/second-factors', { auth: true });
}

/** Starts TOTP enrolment: a pending secret, switched on only by `confirmTotp` with its first code. */
export function beginTotp(): Promise<{ secret: string; otpauthUrl: string }> {
  return request('/me/totp', { method: 'POST', body: {}, auth: true });
}

export function confirmTotp(code: string): Promise<{ recoveryCodes: string[] }> {
  return request('/me/totp/confirm', { method: 'POST', body: { code }, auth: true });
}

export function disableTotp(): Promise<void> {
  return request('/me/totp', { method: 'DELETE', auth: true });
}

export function regenerateRecoveryCodes(): Promise<{ recoveryCodes: string[] }> {
  return request('/me/recovery-codes', { method: 'POST', body: {}, auth: true });
}

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
}

export function listPasskeys(): Promise<{ passkeys: Passkey[] }> {
  return request('/me/passkeys', { auth: true });
}

export function passkeyRegistrationOptions(): Promise<Ceremony<PublicKeyCredentialCreationOptionsJSON>> {
  return request('/me/passkeys/options', { method: 'POST', body: {}, auth: true });
}

export function addPasskey(
  ceremonyId: string,
  response: RegistrationResponseJSON,
  name: string,
): Promise<{ passkey: Passkey }> {
  return request('/me/passkeys', { method: 'POST', body: { ceremonyId, response, name }, auth: true });
}

const passkeyPath = (id: string): string => `/me/passkeys/${encodeURIComponent(id)}`;

export function renamePasskey(id: string, name: string): Promise<unknown> {
  return request(passkeyPath(id), { method: 'PATCH', body: { name }, auth: true });
}

export function removePasskey(id: string): Promise<void> {
  return request(passkeyPath(id), { method: 'DELETE', auth: true });
}
