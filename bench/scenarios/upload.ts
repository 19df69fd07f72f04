/**
 * upload (issue 18): does a big upload slow a busy room on the same node? One Parley node, the
 * fanout scenario's room (receivers, senders, reference rate), measured in pairs of steps taken in
 * turns: the fan-out alone, then the same fan-out while one client uploads a 10 MB file through the
 * same node again and again, back to back, from the step's start to its end. The figure is the
 * difference of the medians of the two p99s (target: at most 10 ms); the uploads' own pace is
 * reported beside it. Parley only: the baseline server has no files.
 */
import { randomBytes } from 'node:crypto';
import { callApi, type Credential } from '../accounts.js';
import type { BenchOptions } from '../options.js';
import { median, nowUs, round } from '../stats.js';
import { openFanout } from './fanout.js';
import type { FanoutStep } from './step.js';

const ROOM = 'general';
/** The budget: uploads may raise the fan-out p99 by this much at most. */
export const UPLOAD_P99_BUDGET_MS = 10;

export interface UploadPair {
  without: FanoutStep;
  with: FanoutStep;
  uploads: number;
  uploadFailures: number;
  uploadP50Ms: number;
  uploadMbPerSecond: number;
}

export interface UploadFanoutResult {
  fileBytes: number;
  rate: number;
  receivers: number;
  senders: number;
  pairs: UploadPair[];
  withoutP99Ms: number;
  withP99Ms: number;
  /** withP99Ms - withoutP99Ms: what the uploads cost the room's p99. */
  differenceMs: number;
  budgetMs: number;
  passed: boolean;
}

export async function runUploadFanout(options: BenchOptions): Promise<UploadFanoutResult> {
  const o = options.fanout;
  const open = await openFanout('parley', options, {
    sweep: false,
    referenceRuns: options.upload.pairs,
    label: 'Parley + uploads',
  });
  try {
    const [uploader] = await open.target.credentials('upl', 1);
    const base = open.target.nodes[0]!.url;
    // A member of the room: the upload route asks the room's gate for `send`.
    await callApi(base, uploader!, 'POST', `/api/v1/rooms/${ROOM}/join`);
    const file = randomBytes(options.upload.fileBytes);
    await open.session.step(o.referenceRate, 'warm-up');
    const pairs: UploadPair[] = [];
    for (let pair = 0; pair < options.upload.pairs; pair++) {
      const without = await open.session.step(o.referenceRate, 'without uploads');
      const uploads = new UploadLoop(base, uploader!, file);
      const during = await open.session.step(o.referenceRate, 'while uploading 10 MB files', (window) =>
        uploads.run(window.startUs, window.windowEndUs),
      );
      const times = uploads.durationsMs;
      const seconds = times.reduce((sum, ms) => sum + ms, 0) / 1000;
      pairs.push({
        without,
        with: during,
        uploads: times.length,
        uploadFailures: uploads.failures,
        uploadP50Ms: round(median(times), 1),
        uploadMbPerSecond: round(seconds > 0 ? (times.length * file.length) / 1e6 / seconds : 0, 1),
      });
      console.log(
        `   uploads: ${times.length} of ${file.length / 1e6} MB (${uploads.failures} failed), ` +
          `p50 ${pairs.at(-1)!.uploadP50Ms} ms each`,
      );
    }
    const withoutP99Ms = round(median(pairs.map((p) => p.without.p99Ms)), 1);
    const withP99Ms = round(median(pairs.map((p) => p.with.p99Ms)), 1);
    const differenceMs = round(withP99Ms - withoutP99Ms, 1);
    const failures = pairs.reduce((sum, p) => sum + p.uploadFailures, 0);
    return {
      fileBytes: file.length,
      rate: o.referenceRate,
      receivers: o.receivers,
      senders: o.senders,
      pairs,
      withoutP99Ms,
      withP99Ms,
      differenceMs,
      budgetMs: UPLOAD_P99_BUDGET_MS,
      passed: differenceMs <= UPLOAD_P99_BUDGET_MS && failures === 0 && pairs.every((p) => p.uploads > 0),
    };
  } finally {
    await open.close();
  }
}

/** Uploads the file again and again, one at a time, from `startUs` until `endUs` (monotonic µs). */
class UploadLoop {
  readonly durationsMs: number[] = [];
  failures = 0;

  private readonly blob: Blob;

  constructor(
    private readonly base: string,
    private readonly credential: Credential,
    file: Buffer,
  ) {
    this.blob = new Blob([new Uint8Array(file)]);
  }

  /** Never rejects: a failed upload is counted, and the step goes on. */
  async run(startUs: number, endUs: number): Promise<void> {
    const waitMs = (startUs - nowUs()) / 1000;
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    while (nowUs() < endUs) {
      const started = performance.now();
      try {
        const form = new FormData();
        form.append('file', this.blob, 'bench.bin');
        const response = await fetch(`${this.base}/api/v1/rooms/${ROOM}/files`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.credential.accessToken}`, cookie: this.credential.cookie },
          body: form,
        });
        await response.arrayBuffer();
        if (response.status !== 201) throw new Error(`upload answered ${response.status}`);
        this.durationsMs.push(performance.now() - started);
      } catch (error) {
        this.failures++;
        if (this.failures === 1) console.error(`   upload failed: ${(error as Error).message}`);
      }
    }
  }
}
