// The worker thread of WorkerLogWriter (sqliteLog.ts): commits each batch it
// is sent and answers once it is durable, with { error } when it failed.
// A batch marked close is committed, then the database is closed and the
// shared state flag set and notified, since the sender is blocked on it.
import { parentPort, workerData } from "node:worker_threads";
import { type LogBatch, LogCommitter, openLog, type Synchronous } from "./sqliteLog.ts";

const { path, synchronous, state } = workerData as { path: string; synchronous: Synchronous; state: Int32Array };
const committer = new LogCommitter(openLog(path, synchronous));

parentPort!.on("message", (m: { batch: LogBatch; close?: boolean }) => {
  let error: string | undefined;
  try {
    committer.commit(m.batch);
  } catch (err) {
    error = (err as Error).message;
  }
  if (!m.close) {
    parentPort!.postMessage({ error });
    return;
  }
  committer.close();
  Atomics.store(state, 0, error === undefined ? 1 : 2);
  Atomics.notify(state, 0);
  parentPort!.close();
});
