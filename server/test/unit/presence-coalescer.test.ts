import { expect, it } from 'vitest';
import { PresenceCoalescer } from '../../src/core/presence-coalescer.js';

const alice = { id: 'a', username: 'alice', color: '#fff' };
const bob = { id: 'b', username: 'bob', color: '#fff' };

it('emits one diff per room per window, the last change of each user winning', async () => {
  const frames: unknown[] = [];
  const coalescer = new PresenceCoalescer(20, (frame) => frames.push(frame));
  coalescer.left('general', alice);
  coalescer.joined('general', alice);
  coalescer.joined('general', bob);
  coalescer.left('general', bob);
  coalescer.joined('other', bob);
  expect(frames).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 40));
  expect(frames).toEqual([
    { type: 'presence', room: 'general', joined: [alice], left: [bob] },
    { type: 'presence', room: 'other', joined: [bob], left: [] },
  ]);
});
