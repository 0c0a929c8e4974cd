// Sentinel errors of the storage layer. Only the HTTP edge turns them into
// Kubernetes Status objects.

export class StorageError extends Error {
  readonly key: string;
  constructor(message: string, key: string) {
    super(message);
    this.key = key;
  }
}

export class KeyExistsError extends StorageError {
  constructor(key: string) {
    super("key exists", key);
  }
}

export class NotFoundError extends StorageError {
  constructor(key: string) {
    super("key not found", key);
  }
}

export class ConflictError extends StorageError {
  readonly actualRevision: number;
  constructor(key: string, actualRevision: number) {
    super("revision conflict", key);
    this.actualRevision = actualRevision;
  }
}

export class CompactedError extends StorageError {
  readonly compactRevision: number;
  constructor(compactRevision: number) {
    super("required revision has been compacted", "");
    this.compactRevision = compactRevision;
  }
}

export class FutureRevisionError extends StorageError {
  constructor(revision: number) {
    super(`revision ${revision} is in the future`, "");
  }
}
