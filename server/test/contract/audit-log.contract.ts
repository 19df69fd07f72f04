import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashAuditEntry } from '../../src/core/audit/audit-hash.js';
import { InvalidAuditEntryError, recordAudit, type AuditRecord } from '../../src/core/audit/record-audit.js';
import { verifyAuditLog } from '../../src/core/audit/verify-audit-log.js';
import { CLI_ACTOR, GENESIS_HASH } from '../../src/ports/audit-log-store.js';
import type { Store } from '../../src/ports/store.js';
import type { TamperDb } from '../helpers/tamper-db.js';

/**
 * The audit log half of the Store contract (ports/audit-log-store.ts): a gap-free, hash-chained,
 * append-only log whose appends are serialized across Store instances, and whose damage — a row
 * changed, deleted or swapped directly in the database — the verifier finds and names.
 */
export interface AuditLogStoreUnderTest {
  store: Store;
  /** A second Store on the same database: another node, or the admin CLI beside the server. */
  peer: Store;
  tamper: TamperDb;
  dispose: () => Promise<void>;
}

export function describeAuditLogContract(adapter: string, open: () => Promise<AuditLogStoreUnderTest>): void {
  describe(`Audit log store contract: ${adapter}`, () => {
    let store: Store;
    let peer: Store;
    let tamper: TamperDb;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ store, peer, tamper, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    function record(n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
      return {
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
        actor: n % 2 === 0 ? CLI_ACTOR : randomUUID(),
        action: 'user.suspend',
        target: { kind: 'user', id: randomUUID() },
        reason: `reason ${n}`,
        details: { n, note: 'a "quoted", comma-separated value' },
        ...overrides,
      };
    }

    async function appendFive(): Promise<void> {
      for (let n = 1; n <= 5; n++) await recordAudit(store, record(n));
    }

    it('an empty log verifies with 0 entries and a head at the genesis hash', async () => {
      expect(await store.auditHead()).toEqual({ position: 0, hash: GENESIS_HASH });
      expect(await verifyAuditLog(store)).toEqual({ ok: true, entries: 0, head: { position: 0, hash: GENESIS_HASH } });
    });

    it('appends link each entry to the one before, and read back exactly as hashed', async () => {
      const first = await recordAudit(store, record(1, { reason: '' }));
      const second = await recordAudit(
        store,
        record(2, { target: { kind: 'policy', id: 'p, "room:a", moderator' }, details: { z: 1, a: [true, null] } }),
      );
      expect(first).toMatchObject({ position: 1, previousHash: GENESIS_HASH, reason: '' });
      expect(second).toMatchObject({ position: 2, previousHash: first.hash, details: '{"a":[true,null],"z":1}' });
      expect(first.hash).toBe(hashAuditEntry(first));
      expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.auditEntriesAfter(0, 10)).toEqual([first, second]);
      expect(await store.auditHead()).toEqual({ position: 2, hash: second.hash });
      expect(await verifyAuditLog(store)).toMatchObject({ ok: true, entries: 2 });
    });

    it('pages newest first, before a position', async () => {
      await appendFive();
      const positions = async (before: number | undefined, limit: number) =>
        (await store.auditEntriesBefore(before, limit)).map((entry) => entry.position);
      expect(await positions(undefined, 2)).toEqual([5, 4]);
      expect(await positions(4, 2)).toEqual([3, 2]);
      expect(await positions(2, 10)).toEqual([1]);
      expect(await positions(1, 10)).toEqual([]);
      expect((await store.auditEntriesAfter(3, 10)).map((entry) => entry.position)).toEqual([4, 5]);
    });

    it('refuses a malformed entry, naming the field, and appends nothing', async () => {
      const bad: [string, Partial<AuditRecord>][] = [
        ['at', { at: 'yesterday' }],
        ['actor', { actor: '' }],
        ['action', { action: 'User Suspend' }],
        ['target.kind', { target: { kind: 'planet' as 'user', id: 'x' } }],
        ['target.id', { target: { kind: 'user', id: 'x'.repeat(201) } }],
        ['reason', { reason: 'r'.repeat(501) }],
        ['reason', { reason: 'lone \ud800 surrogate' }],
        ['reason', { reason: 'nul \u0000 inside' }],
        ['details', { details: { blob: 'x'.repeat(5000) } }],
        ['details', { details: { when: new Date() as unknown as string } }],
      ];
      for (const [field, overrides] of bad) {
        const error = await recordAudit(store, record(1, overrides)).catch((e: unknown) => e);
        expect(error, field).toBeInstanceOf(InvalidAuditEntryError);
        expect((error as InvalidAuditEntryError).field).toBe(field);
      }
      expect(await store.auditHead()).toEqual({ position: 0, hash: GENESIS_HASH });
    });

    it('two Store instances appending at once never fork the chain or reuse a position', async () => {
      const each = 25;
      await Promise.all(
        [store, peer].flatMap((node, i) =>
          Array.from({ length: each }, (_, n) => recordAudit(node, record(i * each + n + 1))),
        ),
      );
      const entries = await store.auditEntriesAfter(0, 1000);
      expect(entries.map((entry) => entry.position)).toEqual(Array.from({ length: 2 * each }, (_, i) => i + 1));
      expect(await verifyAuditLog(peer)).toMatchObject({ ok: true, entries: 2 * each });
    });

    describe('damage done directly in the database is found and named', () => {
      beforeEach(appendFive);

      it('a changed field: the entry no longer matches its hash', async () => {
        await tamper.execute(`update audit_log set reason = 'nothing to see' where position = 3`);
        expect(await verifyAuditLog(store)).toMatchObject({ ok: false, position: 3, problem: 'changed' });
      });

      it('a changed entry given a fresh hash: the next entry no longer links to it', async () => {
        const [third] = await store.auditEntriesAfter(2, 1);
        const forged = hashAuditEntry({ ...third!, reason: 'forged' });
        await tamper.execute(`update audit_log set reason = 'forged', hash = '${forged}' where position = 3`);
        expect(await verifyAuditLog(store)).toMatchObject({ ok: false, position: 4, problem: 'reordered' });
      });

      it('the newest entry changed and given a fresh hash: it no longer matches the head', async () => {
        const [fifth] = await store.auditEntriesAfter(4, 1);
        const forged = hashAuditEntry({ ...fifth!, actor: 'someone-else' });
        await tamper.execute(`update audit_log set actor = 'someone-else', hash = '${forged}' where position = 5`);
        expect(await verifyAuditLog(store)).toMatchObject({ ok: false, position: 5, problem: 'changed' });
      });

      it('a deleted entry in the middle: its position is missing', async () => {
        await tamper.execute('delete from audit_log where position = 2');
        expect(await verifyAuditLog(store)).toMatchObject({ ok: false, position: 2, problem: 'removed' });
      });

      it('the newest entry deleted: the log ends before its head', async () => {
        await tamper.execute('delete from audit_log where position = 5');
        expect(await verifyAuditLog(store)).toMatchObject({ ok: false, position: 5, problem: 'truncated' });
      });

      it('two entries swapped: the first one out of place no longer links', async () => {
        await tamper.execute(
          [
            'update audit_log set position = -1 where position = 2',
            'update audit_log set position = 2 where position = 4',
            'update audit_log set position = 4 where position = -1',
          ].join(';\n'),
        );
        expect(await verifyAuditLog(store)).toMatchObject({ ok: false, position: 2, problem: 'reordered' });
      });

      it('the control: the untouched log verifies', async () => {
        expect(await verifyAuditLog(store)).toMatchObject({ ok: true, entries: 5 });
      });
    });
  });
}
