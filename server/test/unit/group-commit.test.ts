import { describe, expect, it } from 'vitest';
import { GroupCommit, type Outcome } from '../../src/adapters/group-commit.js';

/** A batch writer that records each batch and answers each item doubled (or fails on 'bad'), once `until` settles. */
function recordingWriter(options: { failWholeBatch?: boolean; until?: Promise<void> } = {}) {
  const batches: number[][] = [];
  const write = async (items: number[]): Promise<Outcome<number>[]> => {
    batches.push(items);
    if (options.until) await options.until;
    if (options.failWholeBatch) throw new Error('commit failed');
    return items.map((item) => (item < 0 ? { error: new Error(`bad ${item}`) } : { ok: item * 2 }));
  };
  return { batches, write };
}

describe('GroupCommit', () => {
  it('writes the calls of one turn as one batch and answers each caller its own outcome', async () => {
    const writer = recordingWriter();
    const group = new GroupCommit(writer.write);
    const results = await Promise.allSettled([1, 2, -3, 4].map((item) => group.add(item)));
    expect(writer.batches).toEqual([[1, 2, -3, 4]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      2,
      4,
      'bad -3',
      8,
    ]);
  });

  it('gathers calls made while a batch is being written into the next batch', async () => {
    // The first batch's commit waits for a gate the test opens, so "in flight" is a state, not a time.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const writer = recordingWriter({ until: gate });
    const group = new GroupCommit(writer.write);
    const first = group.add(1);
    while (writer.batches.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const later = [group.add(2), group.add(3)];
    open();
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6]);
    expect(writer.batches).toEqual([[1], [2, 3]]);
  });

  it('refuses every call of a batch whose commit fails, and drain waits for all of them', async () => {
    const writer = recordingWriter({ failWholeBatch: true });
    const group = new GroupCommit(writer.write);
    const calls = [group.add(1), group.add(2)].map((call) => call.catch((error: Error) => error.message));
    await group.drain();
    expect(await Promise.all(calls)).toEqual(['commit failed', 'commit failed']);
  });
});
