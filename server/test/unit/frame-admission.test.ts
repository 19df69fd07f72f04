import { expect, it } from 'vitest';
import { Connection } from '../../src/core/connection.js';
import { FrameAdmission } from '../../src/core/frame-admission.js';
import { TokenBucket } from '../../src/core/token-bucket.js';
import { RecordingSocket } from '../helpers/recording-socket.js';

const user = (id: string) => ({ id, username: id, color: '#ffffff' });
const connection = (userId: string) => new Connection(`c-${userId}`, user(userId), 's', new RecordingSocket(), 1 << 20);

it('a token bucket gives its capacity at once, then its rate, and says how long to wait', () => {
  const bucket = new TokenBucket(3, 2, 0);
  expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
  expect(bucket.take(0)).toBe(500);
  expect(bucket.take(500)).toBe(0);
  expect(bucket.take(500)).toBe(500);
  expect(bucket.isFull(500 + 1500)).toBe(true);
});

it('admits by the connection and by the user, and forgets a departed user only once refilled', () => {
  const admission = new FrameAdmission({
    perConnectionPerSecond: 10,
    perConnectionBurst: 5,
    perUserPerSecond: 1,
    perUserBurst: 6,
  });
  const first = connection('u1');
  const second = connection('u1');
  const taken = [...Array(8).keys()].map(() => admission.admit(first, 0));
  // The connection's bucket of 5 runs out first.
  expect(taken.filter((wait) => wait === 0)).toHaveLength(5);
  // The user's bucket of 6 has one token left for the second socket.
  expect(admission.admit(second, 0)).toBe(0);
  expect(admission.admit(second, 0)).toBeGreaterThan(0);
  // Leaving with an empty bucket and coming back does not refill it.
  admission.userLeft('u1', 0);
  expect(admission.admit(connection('u1'), 10)).toBeGreaterThan(0);
  admission.userLeft('u1', 10);
  // Once refilled it is forgotten, with any other departed user whose bucket refilled.
  admission.admit(connection('u2'), 10);
  admission.userLeft('u2', 10);
  expect(admission.usersTracked).toBe(2);
  admission.userLeft('u3', 60_000);
  expect(admission.usersTracked).toBe(0);
  expect(admission.admit(connection('u1'), 60_000)).toBe(0);
});
