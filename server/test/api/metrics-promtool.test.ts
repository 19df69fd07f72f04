import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect } from '../helpers/ws-client.js';

/**
 * Prometheus' own linter reads a real scrape. `.ci/run` unpacks promtool from Debian's `prometheus`
 * package and sets PROMTOOL; under CI a missing promtool fails this test, elsewhere it is skipped
 * with a warning (the strict parser in metrics.test.ts still checks the format).
 */
const ci = process.env['CI'] !== undefined && !['', 'false', '0'].includes(process.env['CI'].toLowerCase());
const promtool = process.env['PROMTOOL'] ?? '/tmp/parley-promtool/usr/bin/promtool';
const present = existsSync(promtool);
if (!present && !ci) console.warn(`promtool not found at ${promtool} (set PROMTOOL); its test is skipped`);

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { METRICS_PORT: '0' } });
});
afterAll(() => server.close());

describe('promtool check metrics', () => {
  it.skipIf(!present && !ci)('accepts a real scrape after traffic; no problem names a Parley metric', async () => {
    expect(present, `promtool not found at ${promtool}`).toBe(true);
    const session = await newUser(server.url, 'promtool');
    const client = await connect(server.wsUrl, session);
    client.send({ type: 'join', room: 'general' });
    await client.next('joined');
    client.send({ type: 'send', room: 'general', text: 'lint me', clientMsgId: 'promtool-1' });
    await client.next('ack');
    client.send({ type: 'nonsense' });
    await client.next('error');
    client.ws.close();

    const text = await (await fetch(`${server.app.metricsUrl}/metrics`)).text();
    const run = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const problems = `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.trim() !== '');
    // 0: clean; 3: lint problems only (1 would be a format error). prom-client's own default
    // metrics (nodejs_active_handles_total, a gauge) break a naming rule; ours must break none.
    expect([0, 3], problems.join('\n')).toContain(run.status);
    expect(problems.filter((line) => !/^(nodejs|process)_/.test(line))).toEqual([]);
  });
});
