import { describe, expect, it } from 'vitest';
import { parseWebAuthn } from '../../src/config-webauthn.js';

const fail = (message: string) => new Error(message);

describe('WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS', () => {
  it('defaults to localhost and the own origins outside production', () => {
    expect(parseWebAuthn(undefined, undefined, false, fail)).toEqual({ rpId: 'localhost', origins: undefined });
  });

  it('leaves passkeys off in production without both, and refuses half a configuration', () => {
    expect(parseWebAuthn(undefined, undefined, true, fail)).toBeUndefined();
    expect(() => parseWebAuthn('example.com', undefined, true, fail)).toThrow(/set both/);
    expect(() => parseWebAuthn(undefined, 'https://example.com', true, fail)).toThrow(/set both/);
  });

  it('accepts origins on the RP ID or under it, https unless under localhost', () => {
    expect(parseWebAuthn('example.com', 'https://example.com,https://chat.example.com', true, fail)).toEqual({
      rpId: 'example.com',
      origins: ['https://example.com', 'https://chat.example.com'],
    });
    expect(parseWebAuthn('localhost', 'http://app.localhost:4999', false, fail)?.origins).toEqual([
      'http://app.localhost:4999',
    ]);
  });

  it('refuses an origin elsewhere, plain http, a bad RP ID, and wildcards', () => {
    expect(() => parseWebAuthn('example.com', 'https://example.org', true, fail)).toThrow(/not on WEBAUTHN_RP_ID/);
    expect(() => parseWebAuthn('example.com', 'https://badexample.com', true, fail)).toThrow(/not on/);
    expect(() => parseWebAuthn('example.com', 'http://chat.example.com', true, fail)).toThrow(/must be https/);
    expect(() => parseWebAuthn('https://example.com', 'https://example.com', true, fail)).toThrow(/WEBAUTHN_RP_ID/);
    expect(() => parseWebAuthn('example.com', '*', true, fail)).toThrow(/WEBAUTHN_ORIGINS/);
  });
});
