// The administrative compaction endpoint: etcd's `etcdctl compaction` as an
// authenticated call that RBAC allows to system:masters only.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { COMPACTION_PATH } from "../src/apiserver/http/admin.ts";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";
import { type Credentials, httpsCall } from "./httpsCall.ts";

let server: ApiServer;
before(async () => {
  server = await startApiServer({ port: 0, tokens: new Map([["alice-token", { name: "alice", groups: [] }]]) });
});
after(() => server.close());

const admin = (): Credentials => ({ ca: server.pki.ca.cert, cert: server.admin.cert, key: server.admin.key });
const compact = (body?: string, creds = admin()) => httpsCall(`${server.url}${COMPACTION_PATH}`, creds, { method: "POST", body });

test("compaction by system:masters makes a watch from an older resourceVersion answer 410 Gone", async () => {
  const c = server.client();
  const before = (await c.list(R.configmaps, "default")).resourceVersion;
  await c.create(R.configmaps, "default", { metadata: { name: "after-list" } });
  const reply = await compact();
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.json().compactRevision, String(server.storage.currentRevision()));
  const w = await httpsCall(`${server.url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${before}`, admin());
  const ev = JSON.parse(w.text.trim().split("\n")[0]);
  // A watch from a compacted resourceVersion: an ERROR event with a 410 Expired Status (apiserver's storage errors).
  assert.equal(ev.type, "ERROR");
  assert.equal(ev.object.code, 410);
  assert.equal(ev.object.reason, "Expired");
});

test("compaction is forbidden to a user outside system:masters, as a non-resource URL", async () => {
  const reply = await compact(undefined, { ca: server.pki.ca.cert, token: "alice-token" });
  assert.equal(reply.status, 403);
  // responsewriters.forbiddenMessage for a non-resource request.
  assert.equal(reply.json().message, `forbidden: User "alice" cannot post path "${COMPACTION_PATH}"`);
});

test("compaction to a named revision answers etcd's errors for future and compacted revisions", async () => {
  const current = server.storage.currentRevision();
  // etcd mvcc ErrFutureRev and ErrCompacted.
  const future = await compact(JSON.stringify({ revision: String(current + 10) }));
  assert.equal(future.status, 400);
  assert.equal(future.json().message, "mvcc: required revision is a future revision");
  await compact();
  const old = await compact(JSON.stringify({ revision: "1" }));
  assert.equal(old.status, 400);
  assert.equal(old.json().message, "mvcc: required revision has been compacted");
});

test("the compaction path answers only POST", async () => {
  const reply = await httpsCall(`${server.url}${COMPACTION_PATH}`, admin());
  assert.equal(reply.status, 405);
});
