/**
 * Load-generator processes and how the runner talks to them: each is a forked Node process (its own
 * core, its own event loop) answering typed requests over the IPC channel. A worker exits by itself
 * when the runner goes away, so nothing outlives a run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a handler table of any parameter shape
type AnyHandler = (params: any) => unknown;
export type Api = Record<string, AnyHandler>;

interface Request {
  id: number;
  method: string;
  params: unknown;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/** In the worker: answer the runner's requests with these handlers. */
export function serve(handlers: Api): void {
  process.on('message', (request: Request) => {
    const handler = handlers[request.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method ${request.method}`);
        return handler(request.params);
      })
      .then(
        (result) => process.send?.({ id: request.id, result } satisfies Reply),
        (error: unknown) =>
          process.send?.({
            id: request.id,
            error: error instanceof Error ? error.stack : String(error),
          } satisfies Reply),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

/** In the runner: one worker process. */
export class WorkerProcess<A extends Api> {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<void>;

  constructor(
    module: URL,
    readonly name: string,
  ) {
    this.child = fork(fileURLToPath(module), [], {
      // From the repository root, where `--import tsx` resolves.
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // A send on a closed channel (the worker already stopped) rejects the call instead of crashing.
    this.child.on('error', () => undefined);
    this.child.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(new Error(`${name}: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        for (const waiter of this.pending.values()) waiter.reject(new Error(`${name} exited (${code})`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  call<M extends keyof A & string>(
    method: M,
    params: Parameters<A[M]>[0],
    timeoutMs = 180_000,
  ): Promise<Awaited<ReturnType<A[M]>>> {
    const id = this.nextId++;
    if (!this.child.connected) return Promise.reject(new Error(`${this.name}: stopped`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${method} took over ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Awaited<ReturnType<A[M]>>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, method, params } satisfies Request);
    });
  }

  /** Disconnects (the worker then exits); kills it by PID if it does not within 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => {
      if (this.child.pid !== undefined && this.child.exitCode === null) process.kill(this.child.pid, 'SIGKILL');
    }, 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
