// A pass of work that runs at most once at a time: asked while it runs, it
// runs once more after, however often it was asked meanwhile (a controller's
// work queue of one key, as client-go's workqueue keeps a key dirty while it
// is processed).

export type RerunOptions = {
  /** Asked again while this is false, it runs no further pass. */
  active: () => boolean;
  /** A pause before a pass asked for while the last one ran (lets a burst of asks gather). */
  pauseMs?: number;
};

export class Rerun {
  private running: Promise<void> | undefined;
  private again = false;
  private readonly pass: () => Promise<void>;
  private readonly opts: RerunOptions;

  /** `pass` must not throw: it handles its own errors. */
  constructor(pass: () => Promise<void>, opts: RerunOptions) {
    this.pass = pass;
    this.opts = opts;
  }

  /** Runs a pass now, or once more after the one under way. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
        if (this.again && this.opts.active() && this.opts.pauseMs) await new Promise((r) => setTimeout(r, this.opts.pauseMs));
      } while (this.again && this.opts.active());
      this.running = undefined;
    })();
  }

  /** Settles when no pass is under way. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
