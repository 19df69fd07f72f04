/**
 * One socket's view of one room's seq stream, kept in a bitmap: a seq seen twice is a duplicate, one
 * below the highest seen is out of order, and every seq up to a given one that never arrived is lost.
 * The stream starts at the first `message` the socket sees (the sync message); what came before
 * (the member_join events of everyone joining, the backlog) is set-up, not measured.
 */
export class SeqTracker {
  /** The seq before the first one this socket saw (the sync message); -1 until then. */
  base = -1;
  maxSeq = 0;
  private seen = new Uint8Array(1024);
  private unique = 0;
  duplicates = 0;
  outOfOrder = 0;

  get synced(): boolean {
    return this.base >= 0;
  }

  /** A `message` frame's seq (or the sender's own ack): starts the stream if it has not started. */
  message(seq: number): void {
    if (this.base < 0) this.base = seq - 1;
    this.track(seq);
  }

  /**
   * Any other frame that takes a seq in the room (an `event`: edit, reaction, member change). Not a
   * delivery, but part of the stream: without it, the seq it took would count as a lost message.
   */
  event(seq: number): void {
    if (this.base >= 0) this.track(seq);
  }

  /** Seqs in (base, upToSeq] that never arrived. */
  lostUpTo(upToSeq: number): number {
    if (this.base < 0) return Math.max(0, upToSeq);
    const expected = upToSeq - this.base;
    if (this.maxSeq <= upToSeq) return Math.max(0, expected - this.unique);
    let seen = 0;
    for (let index = 0; index < expected; index++) seen += this.seen[index] ?? 0;
    return Math.max(0, expected - seen);
  }

  private track(seq: number): void {
    const index = seq - this.base - 1;
    if (index < 0) {
      this.duplicates++;
      return;
    }
    if (index >= this.seen.length) {
      let size = this.seen.length * 2;
      while (size <= index) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[index] === 1) {
      this.duplicates++;
      return;
    }
    this.seen[index] = 1;
    this.unique++;
    if (seq < this.maxSeq) this.outOfOrder++;
    else this.maxSeq = seq;
  }
}
