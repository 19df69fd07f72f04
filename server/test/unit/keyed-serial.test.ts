import { expect, it } from 'vitest';
import { KeyedSerial } from '../../src/core/accounts/keyed-serial.js';

it('runs one key’s tasks one after another, other keys alongside, and forgets idle keys', async () => {
  const serial = new KeyedSerial();
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = serial.run('a', async () => {
    log.push('a1 start');
    await gate;
    log.push('a1 end');
    throw new Error('a1 failed');
  });
  const second = serial.run('a', () => {
    log.push('a2');
    return Promise.resolve(2);
  });
  const other = serial.run('b', () => {
    log.push('b1');
    return Promise.resolve('b');
  });
  expect(await other).toBe('b');
  await new Promise((resolve) => setImmediate(resolve));
  expect(log).toEqual(['a1 start', 'b1']);
  // Only "a" is busy; "b" is done and forgotten.
  expect(serial.size).toBe(1);
  release();
  await expect(first).rejects.toThrow('a1 failed');
  // A failing task does not stop the next one of its key.
  expect(await second).toBe(2);
  expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  await new Promise((resolve) => setImmediate(resolve));
  expect(serial.size).toBe(0);
});
