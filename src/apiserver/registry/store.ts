// The generic object store: Kubernetes object semantics (metadata, versions,
// preconditions, status split, admission) over a revisioned key-value Storage.
// Like genericregistry.Store in kube-apiserver, one instance serves every kind.
import { randomUUID } from "node:crypto";
import { recordUpdate } from "../apply/managedFields.ts";
import { CompactedError, ConflictError, FutureRevisionError, KeyExistsError, NotFoundError } from "../storage/errors.ts";
import type { Storage, StoredValue } from "../storage/interface.ts";
import type { Admission, Attributes, Operation, RequestContext } from "./context.ts";
import { apiVersionOf, fromStorageVersion, toStorageVersion } from "./conversion.ts";
import {
  ApiError,
  MODIFIED,
  alreadyExists,
  badRequest,
  conflict,
  fieldError,
  gone,
  invalid,
  notFound,
} from "./errors.ts";
import { decodeContinue, encodeContinue, listPrefix, objectKey } from "./keys.ts";
import type { ResourceRegistry } from "./resources.ts";
import { type FieldSelector, type LabelSelector, matchesFields } from "./selectors.ts";
import { allowCreateOnUpdate, hasStatus, initialStatus, selectableField, specOf, usesGeneration } from "./strategy.ts";
import type { FieldError, KObject, ResourceInfo } from "./types.ts";

export type ListOptions = {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
};

/** A listed object: its JSON in the served version, parsed on demand. */
export type Item = { raw: string; obj(): KObject };

export type ListResult = { items: Item[]; resourceVersion: string; continue?: string; remainingItemCount?: number };

// Unguessable per process, so no object data can collide with it.
const RV_PLACEHOLDER = `\u0000rv-${randomUUID()}`;
const RV_PLACEHOLDER_JSON = JSON.stringify(RV_PLACEHOLDER);
const GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

let nowSecond = 0;
let nowText = "";

/** The current time as RFC 3339 with whole seconds, as metav1.Time serializes. Cached per second: it is on every write. */
export function now(): string {
  const sec = Math.floor(Date.now() / 1000);
  if (sec !== nowSecond) {
    nowSecond = sec;
    nowText = new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  return nowText;
}

export class ObjectStore {
  readonly storage: Storage;
  readonly registry: ResourceRegistry;
  readonly admission: Admission;

  constructor(storage: Storage, registry: ResourceRegistry, admission: Admission) {
    this.storage = storage;
    this.registry = registry;
    this.admission = admission;
  }

  /** The version objects of this resource are stored in. */
  storageInfo(info: ResourceInfo): ResourceInfo {
    return this.registry.storageInfo(info.storagePrefix) ?? info;
  }

  item(info: ResourceInfo, raw: string): Item {
    const storeInfo = this.storageInfo(info);
    if (apiVersionOf(storeInfo) === apiVersionOf(info)) {
      let parsed: KObject | undefined;
      return { raw, obj: () => (parsed ??= JSON.parse(raw)) };
    }
    const obj = fromStorageVersion(JSON.parse(raw), info);
    return { raw: JSON.stringify(obj), obj: () => obj };
  }

  getStored(info: ResourceInfo, namespace: string, name: string): { obj: KObject; stored: StoredValue } {
    const stored = this.storage.get(objectKey(info, namespace, name));
    if (!stored) throw notFound(info, name);
    return { obj: JSON.parse(stored.value), stored };
  }

  get(info: ResourceInfo, namespace: string, name: string): Item {
    const stored = this.storage.get(objectKey(info, namespace, name));
    if (!stored) throw notFound(info, name);
    return this.item(info, stored.value);
  }

  list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions): ListResult {
    const prefix = listPrefix(info, namespace);
    let revision = 0;
    let startKey: string | undefined;
    if (opts.continue) {
      ({ revision, startKey } = decodeContinue(prefix, opts.continue));
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    if (!opts.continue && opts.resourceVersion && opts.resourceVersion !== "0") {
      const rv = parseRevision(opts.resourceVersion);
      // api-concepts "Semantics for get and list": Exact reads that revision,
      // and so does a limit without resourceVersionMatch (the cacher's "legacy
      // exact match"); otherwise it is a lower bound, met by the newest.
      const exact = opts.resourceVersionMatch === "Exact" || (limit > 0 && !opts.resourceVersionMatch);
      if (exact) revision = rv;
      else if (rv > this.storage.currentRevision()) throw tooLargeResourceVersion(rv, this.storage.currentRevision());
    }
    const storeInfo = this.storageInfo(info);
    const filter = makeFilter(storeInfo, opts);
    try {
      if (!filter) {
        const res = this.storage.list(prefix, { revision, startKey, limit });
        const items = res.items.map((s) => this.item(info, s.value));
        const last = res.items.at(-1);
        const more = res.remaining > 0 && last;
        return {
          items,
          resourceVersion: String(res.revision),
          continue: more ? encodeContinue(prefix, last.key, res.revision) : undefined,
          remainingItemCount: more ? res.remaining : undefined,
        };
      }
      return this.listFiltered(info, prefix, revision, startKey, limit, filter);
    } catch (e) {
      if (e instanceof CompactedError) {
        if (opts.continue) {
          throw gone(
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
          );
        }
        throw gone(`The resourceVersion for the provided list is too old.`);
      }
      if (e instanceof FutureRevisionError) throw tooLargeResourceVersion(revision, this.storage.currentRevision());
      throw e;
    }
  }

  // With selectors the page is filled by scanning forward in batches, as the
  // etcd3 store does, so a page holds up to `limit` matching items.
  private listFiltered(
    info: ResourceInfo,
    prefix: string,
    revision: number,
    startKey: string | undefined,
    limit: number,
    filter: (o: KObject) => boolean,
  ): ListResult {
    const items: Item[] = [];
    let rev = revision;
    let next = startKey;
    let lastKey = "";
    for (;;) {
      const batch = this.storage.list(prefix, { revision: rev, startKey: next, limit: limit ? Math.max(limit, 500) : 0 });
      rev = batch.revision;
      for (const s of batch.items) {
        if (limit && items.length === limit) {
          return { items, resourceVersion: String(rev), continue: encodeContinue(prefix, lastKey, rev) };
        }
        lastKey = s.key;
        const obj = JSON.parse(s.value);
        if (filter(obj)) items.push(this.item(info, s.value));
      }
      if (batch.remaining === 0 || batch.items.length === 0) break;
      next = `${batch.items.at(-1)!.key}\u0000`;
    }
    return { items, resourceVersion: String(rev) };
  }

  create(reqInfo: ResourceInfo, namespace: string, input: KObject, ctx: RequestContext): KObject {
    const info = this.storageInfo(reqInfo);
    const obj = toStorageVersion(input, reqInfo, info);
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (meta.resourceVersion) throw badRequest("resourceVersion should not be set on objects to be created");
    if (info.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (!meta.name) {
      throw invalid(reqInfo, "", [
        fieldError("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"),
      ]);
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (usesGeneration(info)) meta.generation = 1;
    else delete meta.generation;
    initialStatus(info, obj);
    this.admit({ op: "CREATE", info, requestInfo: reqInfo, namespace, name: meta.name, obj, ctx });
    if (!ctx.managedFieldsSet) {
      recordUpdate({ info, apiVersion: apiVersionOf(reqInfo), old: undefined, obj, manager: ctx.fieldManager, time: meta.creationTimestamp });
    }
    if (ctx.dryRun) return fromStorageVersion(obj, reqInfo);
    const key = objectKey(info, namespace, meta.name);
    try {
      this.storage.create(key, (rev) => {
        meta.resourceVersion = String(rev);
        return JSON.stringify(obj);
      });
      // obj is what was stored: the build step set its resourceVersion.
      return fromStorageVersion(obj, reqInfo);
    } catch (e) {
      if (e instanceof KeyExistsError) throw alreadyExists(reqInfo, meta.name);
      throw e;
    }
  }

  /**
   * Replace an object (PUT). `subresource` "status" takes only status; the main
   * resource takes everything but status. Returns the stored object, and
   * whether it was created.
   */
  update(
    reqInfo: ResourceInfo,
    namespace: string,
    name: string,
    input: KObject,
    ctx: RequestContext,
    subresource?: string,
  ): { obj: KObject; created: boolean } {
    const info = this.storageInfo(reqInfo);
    const key = objectKey(info, namespace, name);
    const stored = this.storage.get(key);
    if (!stored) {
      if (allowCreateOnUpdate(info) && !subresource) {
        return { obj: this.create(reqInfo, namespace, input, ctx), created: true };
      }
      throw notFound(reqInfo, name);
    }
    const obj = toStorageVersion(input, reqInfo, info);
    const old: KObject = JSON.parse(stored.value);
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    // The update and patch handlers' checkName; namespace, uid and creationTimestamp are kept below.
    if (namespace && meta.namespace && meta.namespace !== namespace) {
      throw badRequest(`the namespace of the object (${meta.namespace}) does not match the namespace on the request (${namespace})`);
    }
    checkPreconditions(reqInfo, name, meta, stored, old);
    const next = this.prepareUpdate(info, old, obj, subresource);
    this.admit({ op: "UPDATE", info, requestInfo: reqInfo, subresource, namespace, name, obj: next, old, ctx });
    if (!ctx.managedFieldsSet) {
      recordUpdate({ info, apiVersion: apiVersionOf(reqInfo), old, obj: next, manager: ctx.fieldManager, subresource, time: now() });
    } else if (subresource) next.metadata!.managedFields = meta.managedFields;
    return { obj: fromStorageVersion(this.commitUpdate(reqInfo, key, stored, old, next, ctx), reqInfo), created: false };
  }

  /** Writes an update already admitted; skips no-op writes like etcd3's GuaranteedUpdate. */
  commitUpdate(
    reqInfo: ResourceInfo,
    key: string,
    stored: StoredValue,
    old: KObject,
    next: KObject,
    ctx: RequestContext,
  ): KObject {
    const name = old.metadata!.name!;
    // Serialize once with a placeholder resourceVersion: the text with the old
    // version tells a no-op write, the text with the new one is what is stored.
    next.metadata!.resourceVersion = RV_PLACEHOLDER;
    const text = JSON.stringify(next);
    next.metadata!.resourceVersion = old.metadata!.resourceVersion;
    const withVersion = (rv: string) => text.replace(RV_PLACEHOLDER_JSON, JSON.stringify(rv));
    if (!stored.stale && withVersion(old.metadata!.resourceVersion ?? "") === stored.value) return old;
    if (next.metadata!.deletionTimestamp && !next.metadata!.finalizers?.length && this.deletable(reqInfo, next)) {
      // The last finalizer is gone from an object being deleted: delete it now.
      if (ctx.dryRun) return next;
      this.storage.delete(key, stored.modRevision);
      return next;
    }
    if (ctx.dryRun) return next;
    try {
      this.storage.update(key, stored.modRevision, (rev) => {
        next.metadata!.resourceVersion = String(rev);
        return withVersion(String(rev));
      });
      return next;
    } catch (e) {
      if (e instanceof ConflictError) throw conflict(reqInfo, name, MODIFIED);
      if (e instanceof NotFoundError) throw notFound(reqInfo, name);
      throw e;
    }
  }

  /** Whether an object with deletionTimestamp and no finalizers may go now (graceful pods wait for their kubelet). */
  deletable(info: ResourceInfo, obj: KObject): boolean {
    if (info.group === "" && info.resource === "namespaces") return !obj.spec?.finalizers?.length;
    if (info.group === "" && info.resource === "pods") return !obj.metadata?.deletionGracePeriodSeconds;
    return true;
  }

  private prepareUpdate(info: ResourceInfo, old: KObject, obj: KObject, subresource?: string): KObject {
    let next: KObject;
    if (subresource === "status") {
      next = { ...old, status: obj.status };
      // A status write keeps the old metadata but for labels/annotations it may not change.
      next.metadata = { ...old.metadata };
    } else if (subresource === "ephemeralcontainers") {
      // dropNonEphemeralContainerUpdates: the stored pod with the new list of ephemeral containers.
      const spec = { ...old.spec, ephemeralContainers: obj.spec?.ephemeralContainers };
      if (spec.ephemeralContainers == null) delete spec.ephemeralContainers;
      next = { ...old, spec, metadata: { ...old.metadata } };
    } else if (subresource === "finalize") {
      next = { ...old, spec: { ...old.spec, finalizers: obj.spec?.finalizers ?? [] } };
    } else {
      next = obj;
      if (hasStatus(info) && !(info.group === "" && info.resource === "nodes")) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
    }
    const m = next.metadata!;
    const om = old.metadata!;
    m.name = om.name;
    if (info.namespaced) m.namespace = om.namespace;
    else delete m.namespace;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp) {
      m.deletionTimestamp = om.deletionTimestamp;
      m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    delete m.generateName;
    if (om.generateName) m.generateName = om.generateName;
    if (usesGeneration(info)) {
      m.generation = (om.generation ?? 1) + (subresource !== "status" && specOf(old) !== specOf(next) ? 1 : 0);
    } else if (om.generation !== undefined) m.generation = om.generation;
    else delete m.generation;
    return next;
  }

  admit(a: Attributes): void {
    for (const step of this.admission.mutating) step(a);
    const errs: FieldError[] = [];
    for (const step of this.admission.validating) {
      const e = step(a);
      if (e?.length) errs.push(...e);
    }
    if (errs.length) throw invalid(a.requestInfo, a.name, errs);
  }

  /** Internal read-modify-write with retries on conflict, for controllers. */
  mutate(
    info: ResourceInfo,
    namespace: string,
    name: string,
    ctx: RequestContext,
    fn: (obj: KObject) => boolean,
    subresource?: string,
  ): KObject | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = this.storage.get(objectKey(info, namespace, name));
      if (!stored) return undefined;
      // item() parses afresh each time, so the copy is the caller's to change.
      const copy = this.item(info, stored.value).obj();
      if (!fn(copy)) return this.item(info, stored.value).obj();
      try {
        return this.update(info, namespace, name, copy, ctx, subresource).obj;
      } catch (e) {
        if (e instanceof ApiError && e.code === 409 && e.reason === "Conflict") continue;
        if (e instanceof ApiError && e.code === 404) return undefined;
        throw e;
      }
    }
    return undefined;
  }

  operationAttrs(op: Operation, info: ResourceInfo, obj: KObject, ctx: RequestContext): Attributes {
    return {
      op,
      info,
      requestInfo: info,
      namespace: obj.metadata?.namespace ?? "",
      name: obj.metadata?.name ?? "",
      obj,
      ctx,
    };
  }
}

function checkPreconditions(info: ResourceInfo, name: string, meta: KObject["metadata"] & {}, stored: StoredValue, old: KObject) {
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== "") {
    if (meta.resourceVersion !== String(stored.modRevision)) throw conflict(info, name, MODIFIED);
  }
  if (meta.uid) {
    const cur = old.metadata?.uid;
    if (cur !== meta.uid) {
      throw conflict(info, name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${cur}`);
    }
  }
}

function makeFilter(info: ResourceInfo, opts: ListOptions): ((o: KObject) => boolean) | undefined {
  const { labelSelector, fieldSelector } = opts;
  if (!labelSelector && !fieldSelector) return undefined;
  return (o) =>
    (!labelSelector || labelSelector.matches(o.metadata?.labels)) &&
    (!fieldSelector || matchesFields(fieldSelector, (f) => selectableField(info, o, f)));
}

export function parseRevision(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  return Number(rv);
}

function tooLargeResourceVersion(rv: number, current: number): ApiError {
  return new ApiError(504, "Timeout", `Too large resource version: ${rv}, current: ${current}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    retryAfterSeconds: 1,
  });
}

function generateName(base: string): string {
  // names.SimpleNameGenerator: base (truncated to 58 chars) plus 5 random characters.
  let s = base.length > 58 ? base.slice(0, 58) : base;
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return s;
}
