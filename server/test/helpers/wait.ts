/**
 * Waits until `condition` holds, checking it every `everyMs`. The ceiling only stops a condition
 * that will never hold: a busy machine may take many times longer than an idle one to get there,
 * and that tells us nothing about Parley. Throws with `what` when the ceiling is reached.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  { ceilingMs = 60_000, everyMs = 20 }: { ceilingMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${ceilingMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
