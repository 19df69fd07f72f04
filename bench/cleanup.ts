/**
 * Everything a run starts (servers, load-generator processes, temporary databases) registers how to
 * stop it here, so Ctrl-C, a crash or the run's time limit still stops exactly those processes, by
 * their own PIDs, and removes what they left.
 */
const stoppers = new Set<() => Promise<void>>();

/** Registers a stop function; returns a function that unregisters it (after a normal stop). */
export function onExit(stop: () => Promise<void>): () => void {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

export async function stopEverything(): Promise<void> {
  const pending = [...stoppers];
  stoppers.clear();
  await Promise.allSettled(pending.map((stop) => stop()));
}

/** Stops everything and exits when interrupted or when `limitMs` passes. */
export function installExitHandlers(limitMs: number): void {
  const bail = (reason: string) => {
    console.error(`\nbench: ${reason}; stopping what this run started`);
    const forced = setTimeout(() => process.exit(1), 20_000);
    forced.unref();
    void stopEverything().finally(() => process.exit(1));
  };
  process.once('SIGINT', () => bail('interrupted'));
  process.once('SIGTERM', () => bail('terminated'));
  const timer = setTimeout(() => bail(`time limit of ${Math.round(limitMs / 1000)} s reached`), limitMs);
  timer.unref();
}
