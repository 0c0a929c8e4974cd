// The platform's controllers (cluster health, member RBAC, later policies
// and backups) run on one replica at a time: the one holding the
// kpanda-controllers Lease (LeaderElector.ts). Each registers here with
// `ctx.controllers.add({ name, start(signal) })`; the manager starts them all
// when this replica starts leading and stops them when it stops (the signal
// aborts, then `stop()` is awaited where a controller has one), so the next
// leader never overlaps with this one. The API is served by every replica
// either way. A controller added while leading starts at once.
import type { Logger } from "pino";

export type Controller = {
  name: string;
  /** Starts the controller's work; it ends when `signal` aborts. */
  start(signal: AbortSignal): void | Promise<void>;
  /** Resolves once the work under way has ended (after the signal aborted). */
  stop?(): Promise<void>;
};

export class ControllerManager {
  private readonly controllers: Controller[] = [];
  private readonly log: Logger;
  private readonly startedHooks: ((name: string) => void)[] = [];
  private run?: AbortController;
  private readonly active = new Set<string>();

  constructor(log: Logger) {
    this.log = log.child({ component: "controllers" });
  }

  /** Calls fn with a controller's name each time one starts (metrics count them). */
  onStarted(fn: (name: string) => void): void {
    this.startedHooks.push(fn);
  }

  add(c: Controller): void {
    if (this.controllers.some((x) => x.name === c.name)) throw new Error(`controller "${c.name}" is already registered`);
    this.controllers.push(c);
    if (this.run) void this.startOne(c, this.run.signal);
  }

  /** The names of the controllers running on this replica. */
  running(): string[] {
    return [...this.active];
  }

  get leading(): boolean {
    return !!this.run;
  }

  /** Starts every controller (on gaining the Lease). */
  async startAll(): Promise<void> {
    if (this.run) return;
    this.run = new AbortController();
    const signal = this.run.signal;
    await Promise.all(this.controllers.map((c) => this.startOne(c, signal)));
  }

  /** Stops every controller and waits for them (on losing or releasing the Lease). */
  async stopAll(): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.abort();
    await Promise.all(
      this.controllers.map(async (c) => {
        try {
          await c.stop?.();
        } catch (err) {
          this.log.error({ err, controller: c.name }, "controller failed to stop");
        }
        this.active.delete(c.name);
      }),
    );
    this.log.info({ controllers: this.controllers.map((c) => c.name) }, "controllers stopped");
  }

  private async startOne(c: Controller, signal: AbortSignal): Promise<void> {
    try {
      await c.start(signal);
      if (signal.aborted) return;
      this.active.add(c.name);
      for (const fn of this.startedHooks) fn(c.name);
      this.log.info({ controller: c.name }, "controller started");
    } catch (err) {
      this.log.error({ err, controller: c.name }, "controller failed to start");
    }
  }
}
