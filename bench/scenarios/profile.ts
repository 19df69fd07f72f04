/**
 * profile: a server under `node --cpu-prof` during the fanout scenario at a rate near the limit,
 * for longer than a normal step; the profile is written when the server exits, then summarized
 * over the measurement window only. Run on Parley and on the baseline, so what Parley adds stands
 * out. Not part of the default run (the profiler costs CPU of its own).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from '../options.js';
import { summarizeProfile, type ProfileSummary } from '../profile.js';
import type { TargetKind } from '../targets.js';
import { runFanout, type FanoutStep } from './fanout.js';

export interface ProfileResult {
  target: TargetKind;
  rate: number;
  step: FanoutStep | undefined;
  /** Deliveries in the profiled window. */
  deliveries: number;
  summary: ProfileSummary;
}

export async function runProfile(kind: TargetKind, options: BenchOptions, resultsDir: string): Promise<ProfileResult> {
  const dir = join(resultsDir, `profile-${kind}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const profiled = { ...options, fanout: { ...options.fanout, referenceRate: options.profile.rate } };
  const result = await runFanout(kind, profiled, {
    sweep: false,
    referenceRuns: 1,
    measureMs: options.profile.seconds * 1000,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    label: `${kind} (profiled)`,
  });
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  const step = result.reference.runs[0];
  const window = step ? { startUs: step.windowStartUs, endUs: step.windowEndUs } : undefined;
  return {
    target: kind,
    rate: options.profile.rate,
    step,
    deliveries: step ? step.deliveriesPerSecond * options.profile.seconds : 0,
    summary: summarizeProfile(join(dir, file), window),
  };
}
