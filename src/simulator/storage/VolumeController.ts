// PersistentVolume binding and dynamic provisioning, after
// pkg/controller/volume/persistentvolume: a default StorageClass
// ("standard", provisioner sim.kpanda.io/hostpath) exists from the start; a
// PersistentVolumeClaim without a class gets the default one; a pending
// claim binds to a matching Available volume, or else a volume is
// provisioned for it by our provisioner, at once (Immediate) or once a pod
// using it is scheduled (WaitForFirstConsumer). Bound volumes and claims
// carry claimRef/volumeName, the bind annotations and phase Bound; a
// released volume is deleted or kept Released by its reclaim policy.
import { isConflict, isNotFound, type KObject, type KubeClient, R } from "../../apiserver/client.ts";
import type { SimContext, SimController } from "../controller.ts";
import { type EventRecorder, recorderFor } from "../events.ts";
import { quantity } from "../hpa/quantity.ts";
import { type Informer, keyOf } from "../kube/informer.ts";
import { WorkQueue } from "../kube/workQueue.ts";

export const PROVISIONER = "sim.kpanda.io/hostpath";
export const DEFAULT_CLASS = "standard";
const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
const SELECTED_NODE = "volume.kubernetes.io/selected-node";

export type VolumeControllerOptions = {
  /** Create the default StorageClass at start (default true). */
  defaultStorageClass?: boolean;
};

const SOURCE = { component: "persistentvolume-controller" };

export class VolumeController implements SimController {
  readonly name = "persistentvolume-binder";
  private readonly createDefault: boolean;
  private client!: KubeClient;
  /** Claims already told they wait for a consumer (one event each, as the recorder's aggregation shows it). */
  private readonly waiting = new Set<string>();
  private events!: EventRecorder;
  private claims!: Informer;
  private volumes!: Informer;
  private classes!: Informer;
  private pods!: Informer;
  private claimQueue?: WorkQueue;
  private volumeQueue?: WorkQueue;

  constructor(opts: VolumeControllerOptions = {}) {
    this.createDefault = opts.defaultStorageClass ?? true;
  }

  async start(ctx: SimContext): Promise<void> {
    this.client = ctx.client;
    this.events = recorderFor(ctx);
    if (this.createDefault) await this.ensureDefaultClass();
    this.claimQueue = new WorkQueue((k) => this.syncClaim(k), 8);
    this.volumeQueue = new WorkQueue((k) => this.syncVolume(k), 8);
    const claim = (o: KObject) => this.claimQueue?.add(keyOf(o));
    const volume = (o: KObject) => this.volumeQueue?.add(keyOf(o));
    this.claims = ctx.informer(R.pvcs).on({ add: claim, update: (_o, n) => claim(n), delete: (o) => this.claimDeleted(o) });
    this.volumes = ctx.informer(R.pvs).on({ add: volume, update: (_o, n) => volume(n) });
    this.classes = ctx.informer(R.storageclasses);
    this.pods = ctx.informer(R.pods).on({
      add: (p) => this.podScheduled(undefined, p),
      update: (old, p) => this.podScheduled(old, p),
    });
  }

  stop(): void {
    this.claimQueue?.stop();
    this.volumeQueue?.stop();
  }

  private async ensureDefaultClass(): Promise<void> {
    try {
      await this.client.create(R.storageclasses, "", {
        metadata: { name: DEFAULT_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
        provisioner: PROVISIONER,
        reclaimPolicy: "Delete",
        volumeBindingMode: "Immediate",
        allowVolumeExpansion: true,
      });
    } catch (e) {
      if (!(e instanceof Error && "code" in e && (e as { code: number }).code === 409)) throw e;
    }
  }

  /** A WaitForFirstConsumer claim is provisioned once a pod that uses it has a node. */
  private podScheduled(old: KObject | undefined, pod: KObject): void {
    const node = pod.spec?.nodeName;
    if (!node || old?.spec?.nodeName === node) return;
    for (const v of pod.spec?.volumes ?? []) {
      const name = v.persistentVolumeClaim?.claimName;
      if (name) this.claimQueue?.add(`${pod.metadata?.namespace}/${name}`);
    }
  }

  private defaultClass(): KObject | undefined {
    const defaults = this.classes.list().filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true");
    defaults.sort((a, b) => String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)));
    return defaults[0];
  }

  private async syncClaim(key: string): Promise<void> {
    const [ns, name] = key.split("/");
    const claim = this.claims.get(ns, name);
    if (!claim || claim.metadata?.deletionTimestamp) return;
    if (claim.status?.phase === "Bound" && claim.spec?.volumeName) return;
    const className: string | undefined = claim.spec?.storageClassName ?? undefined;
    if (className === undefined) {
      // Retroactive default StorageClass assignment.
      const def = this.defaultClass();
      if (!def) return;
      await this.client.patch(R.pvcs, ns, name, "merge", { spec: { storageClassName: def.metadata?.name } });
      return;
    }
    if (claim.spec?.volumeName) {
      const pv = this.volumes.get("", claim.spec.volumeName);
      if (pv) await this.bind(pv, claim);
      return;
    }
    const match = this.findVolume(claim, className);
    if (match) {
      await this.bind(match, claim);
      return;
    }
    const sc = className ? this.classes.get("", className) : undefined;
    if (!sc || sc.provisioner !== PROVISIONER) {
      if (claim.status?.phase !== "Pending") await this.client.patch(R.pvcs, ns, name, "merge", { status: { phase: "Pending" } }, "status");
      return;
    }
    let node: string | undefined;
    if (sc.volumeBindingMode === "WaitForFirstConsumer") {
      node = this.consumerNode(claim);
      if (!node) {
        if (!this.waiting.has(claim.metadata?.uid ?? "")) {
          this.waiting.add(claim.metadata?.uid ?? "");
          this.events.record(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding", SOURCE);
        }
        return;
      }
    }
    await this.provision(claim, sc, node);
  }

  /** The node of a scheduled pod that uses the claim. */
  private consumerNode(claim: KObject): string | undefined {
    const ns = claim.metadata?.namespace;
    for (const p of this.pods.list()) {
      if (p.metadata?.namespace !== ns || !p.spec?.nodeName) continue;
      if ((p.spec.volumes ?? []).some((v: any) => v.persistentVolumeClaim?.claimName === claim.metadata?.name)) return p.spec.nodeName;
    }
    return undefined;
  }

  /** The smallest Available volume of the class that fits the claim (findBestMatchForClaim). */
  private findVolume(claim: KObject, className: string): KObject | undefined {
    const want = quantity(claim.spec?.resources?.requests?.storage);
    const modes: string[] = claim.spec?.accessModes ?? [];
    let best: KObject | undefined;
    for (const pv of this.volumes.list()) {
      if ((pv.spec?.storageClassName ?? "") !== className) continue;
      const ref = pv.spec?.claimRef;
      if (ref && !(ref.namespace === claim.metadata?.namespace && ref.name === claim.metadata?.name && (!ref.uid || ref.uid === claim.metadata?.uid))) continue;
      if (pv.status?.phase === "Released" || pv.status?.phase === "Failed" || pv.metadata?.deletionTimestamp) continue;
      const size = quantity(pv.spec?.capacity?.storage);
      if (size < want) continue;
      if (!modes.every((m) => (pv.spec?.accessModes ?? []).includes(m))) continue;
      if (!best || size < quantity(best.spec?.capacity?.storage)) best = pv;
    }
    return best;
  }

  private async provision(claim: KObject, sc: KObject, node: string | undefined): Promise<void> {
    const uid = claim.metadata?.uid ?? "";
    const pvName = `pvc-${uid}`;
    const pv: KObject = {
      metadata: {
        name: pvName,
        annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER },
        finalizers: ["kubernetes.io/pv-protection"],
      },
      spec: {
        capacity: { storage: claim.spec?.resources?.requests?.storage ?? "1Gi" },
        accessModes: claim.spec?.accessModes ?? ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
        storageClassName: sc.metadata?.name,
        volumeMode: claim.spec?.volumeMode ?? "Filesystem",
        hostPath: { path: `/var/lib/kpanda-sim/volumes/${pvName}`, type: "DirectoryOrCreate" },
        claimRef: claimRef(claim),
        ...(node
          ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] }] } } }
          : {}),
      },
    };
    let created: KObject;
    try {
      created = await this.client.create(R.pvs, "", pv);
    } catch (e) {
      if (!(e instanceof Error && (e as { code?: number }).code === 409)) {
        this.events.record(claim, "Warning", "ProvisioningFailed", `Failed to provision volume with StorageClass "${sc.metadata?.name}": ${(e as Error).message}`, SOURCE);
        throw e;
      }
      created = await this.client.get(R.pvs, "", pvName);
    }
    this.events.record(claim, "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${pvName} using ${PROVISIONER}`, SOURCE);
    await this.bind(created, claim, node);
  }

  /** Binds a volume and a claim: claimRef and phase on the volume, volumeName, annotations and phase on the claim. */
  private async bind(pv: KObject, claim: KObject, node?: string): Promise<void> {
    const ns = claim.metadata?.namespace ?? "";
    const name = claim.metadata?.name ?? "";
    const pvName = pv.metadata?.name ?? "";
    if (!pv.spec?.claimRef || pv.spec.claimRef.uid !== claim.metadata?.uid) {
      pv = await this.client.patch(R.pvs, "", pvName, "merge", {
        metadata: { annotations: { "pv.kubernetes.io/bound-by-controller": "yes" } },
        spec: { claimRef: claimRef(claim) },
      });
    }
    if (pv.status?.phase !== "Bound") {
      await this.client.patch(R.pvs, "", pvName, "merge", { status: { phase: "Bound" } }, "status");
    }
    const annotations: Record<string, string> = {
      "pv.kubernetes.io/bind-completed": "yes",
      "pv.kubernetes.io/bound-by-controller": "yes",
    };
    if (pv.metadata?.annotations?.["pv.kubernetes.io/provisioned-by"] === PROVISIONER) {
      annotations["volume.kubernetes.io/storage-provisioner"] = PROVISIONER;
      annotations["volume.beta.kubernetes.io/storage-provisioner"] = PROVISIONER;
    }
    if (node) annotations[SELECTED_NODE] = node;
    try {
      if (claim.spec?.volumeName !== pvName) {
        await this.client.patch(R.pvcs, ns, name, "merge", { metadata: { annotations }, spec: { volumeName: pvName } });
      }
      await this.client.patch(R.pvcs, ns, name, "merge", {
        status: { phase: "Bound", accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity },
      }, "status");
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }

  private claimDeleted(claim: KObject): void {
    this.waiting.delete(claim.metadata?.uid ?? "");
    const vn = claim.spec?.volumeName;
    if (vn) this.volumeQueue?.add(vn);
  }

  /** Volumes: Available when unclaimed; a bound volume whose claim is gone is deleted or Released. */
  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.get("", name);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    if (!ref) {
      if (pv.status?.phase !== "Available") await this.setPhase(name, "Available");
      return;
    }
    const claim = this.claims.get(ref.namespace ?? "", ref.name ?? "");
    if (claim && (!ref.uid || claim.metadata?.uid === ref.uid)) {
      if (pv.status?.phase !== "Bound" && claim.spec?.volumeName === name) await this.setPhase(name, "Bound");
      return;
    }
    if (!ref.uid) return; // pre-bound to a claim that does not exist yet
    if (claim === undefined) {
      try {
        await this.client.get(R.pvcs, ref.namespace ?? "", ref.name ?? "");
        return; // the cache is behind
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    if (pv.spec?.persistentVolumeReclaimPolicy === "Delete") {
      try {
        await this.client.patch(R.pvs, "", name, "merge", { metadata: { finalizers: null } });
        await this.client.delete(R.pvs, "", name);
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      return;
    }
    if (pv.status?.phase !== "Released") await this.setPhase(name, "Released");
  }

  private async setPhase(name: string, phase: string): Promise<void> {
    await this.client.patch(R.pvs, "", name, "merge", { status: { phase } }, "status");
  }
}

function claimRef(claim: KObject) {
  return {
    kind: "PersistentVolumeClaim",
    namespace: claim.metadata?.namespace,
    name: claim.metadata?.name,
    uid: claim.metadata?.uid,
    apiVersion: "v1",
    resourceVersion: claim.metadata?.resourceVersion,
  };
}
