/**
 * `npm run bench`: builds the server, runs each scenario against Parley and then against the
 * baseline server on this machine, prints every figure beside the baseline's, and writes the
 * results to bench/results/ (JSON per scenario, latest.json, latest.md and the fanout chart).
 * All traffic goes to 127.0.0.1; every process it starts is stopped by PID before it exits.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartFromResults } from './chart.js';
import { installExitHandlers, stopEverything } from './cleanup.js';
import { setQuietBudget } from './cpu.js';
import { machineInfo } from './machine.js';
import { parseOptions, type BenchOptions } from './options.js';
import { buildTables, renderMarkdown, renderText } from './report.js';
import type { BenchResults, Pair } from './results.js';
import { runCluster } from './scenarios/cluster.js';
import { runConnect } from './scenarios/connect.js';
import { runFanout, runFanoutSideBySide, type FanoutPlan, type FanoutResult } from './scenarios/fanout.js';
import { runLogin } from './scenarios/login.js';
import { runProfile } from './scenarios/profile.js';
import { runRoomList } from './scenarios/room-list.js';
import { runRoomsSideBySide } from './scenarios/rooms.js';
import { runSearch } from './scenarios/search.js';
import { runUploadFanout } from './scenarios/upload.js';
import { ROOT, type TargetKind } from './targets.js';

const TIME_LIMIT_MS = 20 * 60_000;
const RESULTS_DIR = join(ROOT, 'bench/results');

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  installExitHandlers(TIME_LIMIT_MS);
  setQuietBudget(options.quietBudgetSeconds);
  const started = performance.now();
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    durationSeconds: 0,
    machine: machineInfo(),
    options,
    errors: {},
  };
  const m = results.machine;
  console.log(
    `bench: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, commit ${m.commit}, load average ${m.loadAverageAtStart}`,
  );
  if (options.build) build();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const save = (name: string, value: unknown) =>
    writeFileSync(join(RESULTS_DIR, `${name}-${stamp}.json`), `${JSON.stringify(value, null, 2)}\n`);

  for (const scenario of options.scenarios) {
    console.log(`\n== ${scenario}`);
    const t0 = performance.now();
    if (scenario === 'connect') results.connect = await pair(results, scenario, (kind) => runConnect(kind, options));
    if (scenario === 'fanout') {
      await attempt(results, scenario, async () => {
        results.fanout = await runFanoutSideBySide(options.targets, options, fanoutPlan(options));
      });
    }
    if (scenario === 'login') results.login = await pair(results, scenario, (kind) => runLogin(kind, options));
    if (scenario === 'cluster') {
      const baseline = results.fanout?.baseline;
      results.cluster = await pair(results, scenario, (kind) =>
        kind === 'parley' ? runCluster(options) : baseline ? Promise.resolve(baseline) : fanout(kind, options),
      );
    }
    if (scenario === 'rooms') {
      await attempt(results, scenario, async () => {
        results.rooms = await runRoomsSideBySide(options.targets, options);
      });
    }
    if (scenario === 'roomlist') {
      await attempt(results, scenario, async () => {
        results.roomlist = await runRoomList(options);
      });
    }
    if (scenario === 'search') {
      await attempt(results, scenario, async () => {
        results.search = await runSearch(options.search);
      });
    }
    if (scenario === 'upload') {
      await attempt(results, scenario, async () => {
        results.upload = await runUploadFanout(options);
      });
    }
    if (scenario === 'profile') {
      results.profile = await pair(results, scenario, (kind) => runProfile(kind, options, RESULTS_DIR));
    }
    save(scenario, results[scenario] ?? results.errors);
    console.log(`   (${Math.round((performance.now() - t0) / 1000)} s)`);
  }

  results.durationSeconds = Math.round((performance.now() - started) / 1000);
  const tables = buildTables(results);
  console.log(renderText(tables));
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), `${renderMarkdown(tables)}\n`);
  const svg = chartFromResults(results);
  if (svg) {
    writeFileSync(join(RESULTS_DIR, 'fanout.svg'), svg);
    if (options.docs) writeFileSync(join(ROOT, 'docs/performance-fanout.svg'), svg);
  }
  console.log(`\nbench: done in ${results.durationSeconds} s; results in bench/results/ (latest.json, latest.md)`);
  process.exitCode = Object.keys(results.errors).length > 0 ? 1 : 0;
}

function fanoutPlan(options: BenchOptions): FanoutPlan {
  return { sweep: options.fanout.sweep, referenceRuns: options.fanout.repeats };
}

function fanout(kind: TargetKind, options: BenchOptions): Promise<FanoutResult> {
  return runFanout(kind, options, fanoutPlan(options));
}

/** Runs a scenario on Parley, then on the baseline; a failure is recorded and the run goes on. */
async function pair<T>(
  results: BenchResults,
  scenario: string,
  run: (kind: TargetKind) => Promise<T>,
): Promise<Pair<T>> {
  const out: Pair<T> = {};
  for (const kind of results.options.targets) {
    console.log(`-- ${kind}`);
    await attempt(results, `${scenario} (${kind})`, async () => {
      out[kind] = await run(kind);
    });
  }
  return out;
}

async function attempt(results: BenchResults, name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`bench: ${name} failed: ${message}`);
    results.errors[name] = message;
    await stopEverything();
  }
}

function build(): void {
  console.log('bench: npm run build:server');
  const result = spawnSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build:server failed (${result.status})`);
}

main().then(
  () => stopEverything(),
  async (error: unknown) => {
    console.error(error);
    await stopEverything();
    process.exitCode = 1;
  },
);
