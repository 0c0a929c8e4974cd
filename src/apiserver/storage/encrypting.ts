// A Storage decorator that encrypts the values under some key prefixes (the
// secrets resource) before they reach the driver, and decrypts them on every
// way out: get, list, the results of writes, and watch events. It wraps any
// driver, so memory and SQLite storage both keep secrets encrypted, and the
// rest of the server only ever sees plaintext JSON. Keys outside the
// prefixes cost one prefix check.
import type { ValueTransformer } from "./encryption.ts";
import type {
  Build,
  ListOptions,
  ListResult,
  Storage,
  StorageEvent,
  StoredValue,
  Watcher,
} from "./interface.ts";

/** Where kube keeps Secrets: the storage prefix of core/v1 secrets. */
export const SECRETS_PREFIX = "/core/secrets/";

export class EncryptingStorage implements Storage {
  readonly inner: Storage;
  private readonly transformer: ValueTransformer;
  private readonly prefixes: string[];
  /** Decrypted events, shared by every watcher that receives the same event object. */
  private readonly decrypted = new WeakMap<StorageEvent, StorageEvent>();

  constructor(inner: Storage, transformer: ValueTransformer, prefixes: string[] = [SECRETS_PREFIX]) {
    this.inner = inner;
    this.transformer = transformer;
    this.prefixes = prefixes;
  }

  currentRevision(): number {
    return this.inner.currentRevision();
  }

  compactRevision(): number {
    return this.inner.compactRevision();
  }

  durableRevision(): number {
    return this.inner.durableRevision();
  }

  waitDurable(revision: number): Promise<void> {
    return this.inner.waitDurable(revision);
  }

  get(key: string, revision?: number): StoredValue | undefined {
    const s = this.inner.get(key, revision);
    return s && this.covers(key) ? this.open(s) : s;
  }

  list(prefix: string, opts?: ListOptions): ListResult {
    const res = this.inner.list(prefix, opts);
    if (!this.overlaps(prefix)) return res;
    return { ...res, items: res.items.map((s) => (this.covers(s.key) ? this.open(s) : s)) };
  }

  create(key: string, build: Build): StoredValue {
    if (!this.covers(key)) return this.inner.create(key, build);
    let plaintext = "";
    const s = this.inner.create(key, (rev) => {
      plaintext = build(rev);
      return this.transformer.toStorage(key, plaintext);
    });
    return { ...s, value: plaintext };
  }

  update(key: string, expectedRevision: number, build: Build): StoredValue {
    if (!this.covers(key)) return this.inner.update(key, expectedRevision, build);
    let plaintext = "";
    const s = this.inner.update(key, expectedRevision, (rev) => {
      plaintext = build(rev);
      return this.transformer.toStorage(key, plaintext);
    });
    return { ...s, value: plaintext };
  }

  delete(key: string, expectedRevision?: number): StoredValue {
    const s = this.inner.delete(key, expectedRevision);
    return this.covers(key) ? this.open(s) : s;
  }

  watch(
    prefix: string,
    fromRevision: number,
    onEvent: (e: StorageEvent) => void,
    onClose?: () => void,
  ): Watcher {
    if (!this.overlaps(prefix)) return this.inner.watch(prefix, fromRevision, onEvent, onClose);
    return this.inner.watch(prefix, fromRevision, (e) => onEvent(this.covers(e.key) ? this.openEvent(e) : e), onClose);
  }

  compact(revision: number): void {
    this.inner.compact(revision);
  }

  close(): void {
    this.inner.close();
  }

  /** Whether values of key are encrypted. */
  private covers(key: string): boolean {
    for (const p of this.prefixes) if (key.startsWith(p)) return true;
    return false;
  }

  /** Whether a list or watch of prefix can reach encrypted keys. */
  private overlaps(prefix: string): boolean {
    for (const p of this.prefixes) if (p.startsWith(prefix) || prefix.startsWith(p)) return true;
    return false;
  }

  private open(s: StoredValue): StoredValue {
    const { plaintext, stale } = this.transformer.fromStorage(s.key, s.value);
    return stale ? { ...s, value: plaintext, stale } : { ...s, value: plaintext };
  }

  private openEvent(e: StorageEvent): StorageEvent {
    let out = this.decrypted.get(e);
    if (!out) {
      out = { ...e, value: this.transformer.fromStorage(e.key, e.value).plaintext };
      if (e.prevValue !== undefined) out.prevValue = this.transformer.fromStorage(e.key, e.prevValue).plaintext;
      this.decrypted.set(e, out);
    }
    return out;
  }
}
