import type { SocketSlots } from '../ports/socket-slots.js';

/** Socket slots of one node, in memory: the cap holds per node. Also the Redis adapter's fallback. */
export class MemorySocketSlots implements SocketSlots {
  private readonly byUser = new Map<string, Set<string>>();

  claim(userId: string, socketId: string, max: number): Promise<boolean> {
    return Promise.resolve(this.claimNow(userId, socketId, max));
  }

  /** Synchronous, so check-and-add cannot interleave with another claim. */
  claimNow(userId: string, socketId: string, max: number): boolean {
    let slots = this.byUser.get(userId);
    if (slots?.has(socketId)) return true;
    if ((slots?.size ?? 0) >= max) return false;
    if (!slots) this.byUser.set(userId, (slots = new Set()));
    slots.add(socketId);
    return true;
  }

  release(userId: string, socketId: string): Promise<void> {
    this.releaseNow(userId, socketId);
    return Promise.resolve();
  }

  releaseNow(userId: string, socketId: string): boolean {
    const slots = this.byUser.get(userId);
    const had = slots?.delete(socketId) ?? false;
    if (slots?.size === 0) this.byUser.delete(userId);
    return had;
  }

  /** Every slot held here, by user. */
  entries(): IterableIterator<[string, Set<string>]> {
    return this.byUser.entries();
  }

  keepAlive(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.byUser.clear();
    return Promise.resolve();
  }
}
