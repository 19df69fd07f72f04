/**
 * `npm run admin -- <command>`: administration from the server's own machine, on the configured
 * database, with no account and no password (how the first admin will be made). Reads the same
 * environment as the server (config.ts) and opens only the store — never printing a secret or the
 * database URL.
 */
import { MemoryBus } from '../adapters/bus-memory.js';
import { RedisBus } from '../adapters/bus-redis.js';
import { openConfiguredStore } from '../adapters/select-adapters.js';
import { ConfigError, loadConfig } from '../config.js';
import type { Store } from '../ports/store.js';
import { parseAdminArgs, USAGE, UsageError, type AdminCommand } from './admin-args.js';
import { needsBus, runAdminCommand, type CliBus, type Output } from './admin-commands.js';

/** sysexits.h, as main.ts uses EX_CONFIG. */
const EX_USAGE = 2;
const EX_UNAVAILABLE = 69;
const EX_SOFTWARE = 70;
const EX_CONFIG = 78;

const io: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

async function main(argv: readonly string[]): Promise<number> {
  let command: AdminCommand;
  try {
    command = parseAdminArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`parley admin: ${error.message}\n\n${USAGE}`);
    return EX_USAGE;
  }
  if (command.name === 'help') {
    io.out(USAGE);
    return 0;
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`parley admin: ${error.message}`);
    return EX_CONFIG;
  }
  let store: Store;
  try {
    store = await openConfiguredStore(config.database);
  } catch (error) {
    io.err(`parley admin: cannot open the ${config.database.kind} database: ${describe(error)}`);
    return EX_UNAVAILABLE;
  }
  const cluster = needsBus(command) ? await openBus(config.redis) : undefined;
  try {
    return await runAdminCommand(command, store, io, cluster);
  } catch (error) {
    io.err(`parley admin: ${command.name} failed: ${describe(error)}`);
    return EX_SOFTWARE;
  } finally {
    await cluster?.bus.close();
    await store.close();
  }
}

/**
 * The cluster's bus when REDIS_URL is set, so running nodes act on a change at once. Unreachable, the
 * change is still made (the store is the truth): running nodes then catch up on their own.
 */
async function openBus(redis: { url: string; prefix: string } | undefined): Promise<CliBus> {
  if (!redis) return { bus: new MemoryBus(), shared: false };
  const bus = new RedisBus(redis.url, redis.prefix);
  try {
    await bus.start();
    return { bus, shared: true };
  } catch (error) {
    await bus.close();
    io.err(`parley admin: Redis unreachable (${describe(error)}); running nodes will not hear of this at once`);
    return { bus: new MemoryBus(), shared: false };
  }
}

/** The error and its causes, one clause each, with any credentials in a URL masked. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    if (!(e instanceof Error)) {
      parts.push(typeof e === 'string' ? e : 'unknown error');
      break;
    }
    parts.push(e.message);
  }
  return parts.join(': ').replace(/\/\/[^/@\s]*@/g, '//***@');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.err(`parley admin: ${describe(error)}`);
    process.exitCode = EX_SOFTWARE;
  },
);
