import { describe, expect, it } from 'vitest';
import { encodeAuditEntry, hashAuditEntry } from '../../src/core/audit/audit-hash.js';
import { canonicalJson } from '../../src/core/audit/canonical-json.js';
import { GENESIS_HASH, type LinkedAuditEntry } from '../../src/ports/audit-log-store.js';

const entry: LinkedAuditEntry = {
  position: 7,
  previousHash: GENESIS_HASH,
  at: '2026-01-01T00:00:00.000Z',
  actor: 'cli',
  action: 'user.suspend',
  target: { kind: 'user', id: 'u1' },
  reason: 'spam',
  details: '{}',
};

describe('audit entry encoding', () => {
  it('is a JSON array in a fixed order, with a version tag', () => {
    expect(encodeAuditEntry(entry)).toBe(
      `["parley-audit-v1",7,"${GENESIS_HASH}","2026-01-01T00:00:00.000Z","cli","user.suspend","user","u1","spam","{}"]`,
    );
  });

  it('gives different hashes when text moves between fields, even across a separator', () => {
    // Joined with "|" or "," these two would read the same; as a JSON array they cannot.
    const a = { ...entry, reason: 'a","b', details: '{}' };
    const b = { ...entry, reason: 'a', details: '{}' };
    const shifted = { ...entry, actor: 'cli","user.suspend', action: 'x' };
    const hashes = new Set([a, b, shifted, entry].map(hashAuditEntry));
    expect(hashes.size).toBe(4);
    expect(hashAuditEntry({ ...entry, position: 8 })).not.toBe(hashAuditEntry(entry));
  });

  it('refuses a position that is not a positive integer', () => {
    for (const position of [0, -1, 1.5, Number.NaN])
      expect(() => encodeAuditEntry({ ...entry, position })).toThrow(RangeError);
  });
});

describe('canonical JSON of details', () => {
  it('sorts keys at every depth and keeps strings exact', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 'x"y'], c: null } })).toBe('{"a":{"c":null,"d":[2,"x\\"y"]},"b":1}');
    expect(canonicalJson({ z: true, a: false })).toBe(canonicalJson({ a: false, z: true }));
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(/finite/);
    expect(() => canonicalJson({ d: new Date() as unknown as string })).toThrow(/not a JSON value/);
    let deep: { [key: string]: unknown } = {};
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(() => canonicalJson(deep as { [key: string]: null })).toThrow(/deeper/);
  });
});
