import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.js';

/** TOTP, recovery codes and second-step tickets (ports/second-factor-store.ts), on every store. */
export function describeSecondFactorContract(
  name: string,
  open: () => Promise<{ store: Store; dispose: () => Promise<void> }>,
): void {
  describe(`Second factors contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, dispose } = await open());
    });
    afterEach(async () => {
      await dispose();
    });

    const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString();
    async function user(): Promise<string> {
      const id = randomUUID();
      await store.createUser({ id, username: `u${id.slice(0, 8)}`, passwordHash: 'x', createdAt: at(0) });
      return id;
    }
    const hashes = (prefix: string) => Array.from({ length: 10 }, (_, i) => `${prefix}${i}`);

    it('keeps a pending authenticator until enabled once, then refuses to replace it', async () => {
      const id = await user();
      expect(await store.findTotp(id)).toBeUndefined();
      expect(await store.saveTotpPending(id, 'sealed-1', at(1))).toBe('saved');
      expect(await store.saveTotpPending(id, 'sealed-2', at(2))).toBe('saved');
      expect(await store.findTotp(id)).toEqual({
        userId: id,
        secretEnc: 'sealed-2',
        createdAt: at(2),
        enabledAt: null,
        lastStep: null,
      });
      expect(await store.useTotpStep(id, 5)).toBe(false); // pending: no code is accepted
      const outcomes = await Promise.all([1, 2, 3].map(() => store.enableTotp(id, at(3), 100, hashes('a'))));
      expect(outcomes.filter((o) => o === 'enabled')).toHaveLength(1);
      expect(await store.saveTotpPending(id, 'sealed-3', at(4))).toBe('enabled');
      expect(await store.findTotp(id)).toMatchObject({ secretEnc: 'sealed-2', enabledAt: at(3), lastStep: 100 });
      expect((await store.unusedRecoveryCodes(id)).sort()).toEqual(hashes('a').sort());
    });

    it('accepts each time step once and never one at or before the last, even concurrently', async () => {
      const id = await user();
      await store.saveTotpPending(id, 'sealed', at(1));
      await store.enableTotp(id, at(1), 100, hashes('b'));
      expect(await store.useTotpStep(id, 100)).toBe(false);
      expect(await store.useTotpStep(id, 99)).toBe(false);
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.useTotpStep(id, 101)));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect((await store.findTotp(id))?.lastStep).toBe(101);
    });

    it('spends each recovery code once, answering how many are left; new codes replace the old', async () => {
      const id = await user();
      await store.saveTotpPending(id, 'sealed', at(1));
      await store.enableTotp(id, at(1), 1, hashes('c'));
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.useRecoveryCode(id, 'c3', at(2))));
      expect(outcomes.filter((o) => o !== undefined)).toEqual([9]);
      expect(await store.useRecoveryCode(id, 'c3', at(3))).toBeUndefined();
      expect(await store.useRecoveryCode(id, 'nope', at(3))).toBeUndefined();
      expect(await store.unusedRecoveryCodes(id)).not.toContain('c3');
      await store.replaceRecoveryCodes(id, hashes('d'), at(4));
      expect((await store.unusedRecoveryCodes(id)).sort()).toEqual(hashes('d').sort());
      expect(await store.useRecoveryCode(id, 'c4', at(5))).toBeUndefined();
      expect(await store.deleteTotp(id)).toBe(true);
      expect(await store.findTotp(id)).toBeUndefined();
      expect(await store.unusedRecoveryCodes(id)).toEqual([]);
      expect(await store.deleteTotp(id)).toBe(false);
    });

    it('finds a ticket while live and unused, and spends it once under concurrent calls', async () => {
      const id = await user();
      const ticket = { ticketHash: randomUUID(), userId: id, deviceHash: 'dev', createdAt: at(0), expiresAt: at(5) };
      await store.createSecondStepTicket(ticket);
      expect(await store.findSecondStepTicket(ticket.ticketHash, at(1))).toEqual(ticket);
      expect(await store.findSecondStepTicket(ticket.ticketHash, at(5))).toBeUndefined();
      expect(await store.takeSecondStepTicket(ticket.ticketHash, at(6))).toBe(false);
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => store.takeSecondStepTicket(ticket.ticketHash, at(2))),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(await store.findSecondStepTicket(ticket.ticketHash, at(2))).toBeUndefined();
      // Expired tickets go with the session cleanup.
      let deleted = 0;
      for (
        let n = await store.deleteExpired(at(6), at(0), 10);
        n > 0;
        n = await store.deleteExpired(at(6), at(0), 10)
      ) {
        deleted += n;
      }
      expect(deleted).toBeGreaterThanOrEqual(1);
    });

    it('keeps a security event`s detail', async () => {
      const id = await user();
      const base = { userId: id, sessionId: null, at: at(1), ip: '127.0.0.1', userAgent: 'test' };
      await store.appendSecurityEvent({ ...base, kind: 'recovery_code_used', detail: { remaining: 7 } });
      await store.appendSecurityEvent({ ...base, kind: 'step_up' });
      const [stepUp, used] = await store.listSecurityEvents(id, 10);
      expect(stepUp).toMatchObject({ kind: 'step_up', detail: null });
      expect(used).toMatchObject({ kind: 'recovery_code_used', detail: { remaining: 7 } });
    });
  });
}
