// What every workload controller shares, as kube-controller-manager's
// controllers do: the cluster's client and clock, an event recorder under the
// controller's own name, and a sync loop over namespace/name keys fed by
// informer handlers. A controller says which informers it takes and what one
// sync does; start() and stop() are here.
import type { KObject, KubeClient } from "../../apiserver/client.ts";
import type { SimContext, SimController } from "../controller.ts";
import { type EventRecorder, recorderFor } from "../events.ts";
import type { Informer } from "../kube/informer.ts";
import { SyncLoop } from "./queue.ts";

export abstract class WorkloadController implements SimController {
  abstract readonly name: string;
  /**
   * Called after each sync of a key, failed or not, with the sync's number in
   * the order syncs began: how a test knows that the controller has looked at
   * an object since some change before it checks that nothing else changed.
   */
  afterSync?: (key: string, started: number) => void;
  /** How many syncs have begun. */
  syncsStarted = 0;
  protected client!: KubeClient;
  protected ctx!: SimContext;
  protected rec!: EventRecorder;
  protected loop!: SyncLoop;
  private readonly concurrency: number;

  constructor(concurrency: number) {
    this.concurrency = concurrency;
  }

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.client = ctx.client;
    this.rec = recorderFor(ctx, this.name);
    this.loop = new SyncLoop(ctx.clock, (k) => this.syncAndTell(k), this.concurrency);
    this.watch(ctx);
  }

  stop(): void {
    this.loop?.stop();
  }

  /** Takes the informers this controller needs and attaches its handlers (once, from start()). */
  protected abstract watch(ctx: SimContext): void;

  /** Brings the object of one key to its desired state. */
  protected abstract sync(key: string): Promise<void>;

  /** Queues an object by namespace/name. */
  protected readonly enqueue = (o: KObject): void => this.loop.add(`${o.metadata?.namespace}/${o.metadata?.name}`);

  /** The informer of the controller's own kind: each add, update and delete queues the object. */
  protected own(inf: Informer): Informer {
    inf.on({ add: this.enqueue, update: (_o, n) => this.enqueue(n), delete: this.enqueue });
    return inf;
  }

  private async syncAndTell(key: string): Promise<void> {
    const started = ++this.syncsStarted;
    try {
      await this.sync(key);
    } finally {
      this.afterSync?.(key, started);
    }
  }
}
