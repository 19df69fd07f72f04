import { describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.js';
import { IDLE_CONNECTION_MS, uploadDeadlineMs } from '../../src/edge/http/upload-receiver.js';

// Node's requestTimeout is checked every 30 s, so a test of a real slow upload would take minutes;
// these pin the numbers the server runs with instead (the review's 72 s upload at 1 KiB/s was cut at
// 30-60 s with a bare 408 before).
describe('how long a request may take to arrive', () => {
  it('is long enough for the largest file at 32 KiB/s, and at least 30 s', () => {
    expect(uploadDeadlineMs(25 * 1024 * 1024)).toBe(800_000);
    expect(uploadDeadlineMs(100 * 1024 * 1024)).toBe(3_200_000);
    expect(uploadDeadlineMs(4096)).toBe(30_000);
  });

  it('the server waits that long for a whole request, and cuts a connection idle for 30 s', async () => {
    const server = await startServer({ env: { FILE_MAX_BYTES: String(100 * 1024 * 1024) } });
    try {
      const http = server.app.http.server;
      expect(http.requestTimeout).toBe(3_200_000);
      expect(http.headersTimeout).toBe(10_000);
      expect(http.timeout).toBe(IDLE_CONNECTION_MS);
      expect(IDLE_CONNECTION_MS).toBe(30_000);
    } finally {
      await server.close();
    }
  });
});
