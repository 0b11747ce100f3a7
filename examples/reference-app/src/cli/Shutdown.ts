/** A cleanup step run on shutdown, newest first. */
export type CleanupStep = () => void | Promise<void>;

/** Options of {@link Shutdown}. */
export interface ShutdownOptions {
  /** Give up on cleanups after this long and exit anyway (default 20 s). */
  timeoutMs?: number;
  /** Where progress goes (default stderr). */
  log?: (line: string) => void;
  /** Exit hook (default `process.exit`); tests pass their own. */
  exit?: (code: number) => void;
  /** Signal source (default `process`). */
  signals?: Pick<NodeJS.Process, 'on'>;
}

/**
 * Graceful shutdown on SIGINT/SIGTERM: runs the registered steps newest first (stop the source,
 * drain in-flight writes, commit offsets, close clients), then exits 0; exits 1 if a step fails or
 * the timeout passes. A second signal exits at once (130).
 *
 * @example
 * ```ts
 * const shutdown = new Shutdown();
 * shutdown.add('close Kafka producer', () => producer.disconnect());
 * shutdown.listen();
 * ```
 */
export class Shutdown {
  readonly #steps: { name: string; fn: CleanupStep }[] = [];
  readonly #opts: Required<Omit<ShutdownOptions, 'signals'>> & Pick<ShutdownOptions, 'signals'>;
  #running: Promise<number> | undefined;
  #stopRequested: (() => void)[] = [];

  /** @param options - timeout, logger, exit hook and signal source */
  constructor(options: ShutdownOptions = {}) {
    this.#opts = {
      timeoutMs: options.timeoutMs ?? 20_000,
      log: options.log ?? ((l) => process.stderr.write(`${l}\n`)),
      exit: options.exit ?? ((c) => process.exit(c)),
      signals: options.signals,
    };
  }

  /** True once shutdown has begun. */
  get stopping(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Registers a cleanup step (they run in reverse order of registration).
   * @param name - shown in the log
   * @param fn - the step
   */
  add(name: string, fn: CleanupStep): void {
    this.#steps.push({ name, fn });
  }

  /** A promise that resolves when shutdown is requested (for loops that wait for it). */
  requested(): Promise<void> {
    if (this.#running) return Promise.resolve();
    return new Promise((r) => this.#stopRequested.push(r));
  }

  /** Installs the SIGINT/SIGTERM handlers. */
  listen(): void {
    const signals = this.#opts.signals ?? process;
    const early = (globalThis as { __tickflowEarlySignal?: () => void }).__tickflowEarlySignal;
    if (early && !this.#opts.signals) {
      process.off('SIGINT', early);
      process.off('SIGTERM', early);
    }
    const onSignal = (sig: NodeJS.Signals) => {
      if (this.#running) {
        this.#opts.log(`${sig} again: exiting now`);
        this.#opts.exit(130);
        return;
      }
      this.#opts.log(`${sig}: shutting down (press Ctrl-C again to force)`);
      void this.run().then((code) => this.#opts.exit(code));
    };
    signals.on('SIGINT', onSignal);
    signals.on('SIGTERM', onSignal);
  }

  /**
   * Runs the steps once (later calls get the same result).
   * @returns the exit code: 0 when every step finished in time
   */
  run(): Promise<number> {
    if (this.#running) return this.#running;
    for (const r of this.#stopRequested.splice(0)) r();
    this.#running = (async () => {
      let code = 0;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), this.#opts.timeoutMs);
        timer.unref();
      });
      for (const step of [...this.#steps].reverse()) {
        try {
          const r = await Promise.race([Promise.resolve(step.fn()).then(() => 'ok' as const), timeout]);
          if (r === 'timeout') {
            this.#opts.log(`shutdown: "${step.name}" did not finish within ${this.#opts.timeoutMs} ms; exiting anyway`);
            code = 1;
            break;
          }
        } catch (error) {
          this.#opts.log(`shutdown: "${step.name}" failed: ${(error as Error).message}`);
          code = 1;
        }
      }
      clearTimeout(timer);
      return code;
    })();
    return this.#running;
  }
}
