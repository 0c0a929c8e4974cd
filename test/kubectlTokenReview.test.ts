// TokenReview and token audiences, through kubectl. A token is valid only for
// the audiences asked of it (pkg/registry/authentication/tokenreview/
// storage.go; pkg/serviceaccount/jwt.go): a TokenReview asks for its
// spec.audiences or else the API server's own, and a request to the API
// server asks for the server's. Every expected value here is what a real
// kube-apiserver v1.20.2 answered to the same commands.
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { type Cluster, startCluster } from "./harness.ts";

let cluster: Cluster;
let tokenFile: string;
before(async () => {
  tokenFile = join(tmpdir(), `kpanda-tokenreview-${process.pid}.csv`);
  await writeFile(tokenFile, 'dana-token,dana,uid-dana,"reviewers"\n', { mode: 0o600 });
  cluster = await startCluster({ tokenAuthFile: tokenFile });
});
after(async () => {
  await cluster.close();
  await rm(tokenFile, { force: true });
});

/** `kubectl create -f - -o yaml` of a TokenReview: its status. */
async function review(token: string, audiences?: string[]): Promise<any> {
  const spec = audiences ? { token, audiences } : { token };
  const input = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec });
  return parse((await cluster.kubectl(["create", "-f", "-", "-o", "yaml"], { input })).stdout).status;
}

const audOf = (token: string): string[] => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).aud;

async function robot(ns: string): Promise<{ user: any; token: (...audiences: string[]) => Promise<string> }> {
  await cluster.kubectl(["create", "serviceaccount", "robot", "-n", ns]);
  const uid = (await cluster.kubectl(["get", "sa", "robot", "-n", ns, "-o", "jsonpath={.metadata.uid}"])).stdout;
  const user = {
    username: `system:serviceaccount:${ns}:robot`,
    uid,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
  };
  const token = async (...audiences: string[]) =>
    (await cluster.kubectl(["create", "token", "robot", "-n", ns, ...audiences.map((a) => `--audience=${a}`)])).stdout.trim();
  return { user, token };
}

test("a token made for audience vault reviews as authenticated for vault, with audiences [vault]", async () => {
  const ns = await cluster.namespace("tr-vault");
  const { user, token } = await robot(ns);
  const vault = await token("vault");
  assert.deepEqual(audOf(vault), ["vault"]);
  const status = await review(vault, ["vault"]);
  assert.equal(status.authenticated, true);
  assert.deepEqual(status.audiences, ["vault"]);
  // Extra (the credential id) came later than v1.20; compare the rest.
  assert.deepEqual({ username: status.user.username, uid: status.user.uid, groups: status.user.groups }, user);
  // The answer lists the audiences in common, in the order asked (Audiences.Intersect).
  assert.deepEqual((await review(vault, ["other", "vault"])).audiences, ["vault"]);
});

test("a vault token is not authenticated for the API server's audience, nor by the API server itself", async () => {
  const ns = await cluster.namespace("tr-default");
  const { token } = await robot(ns);
  const vault = await token("vault");
  const apiAudiences = audOf(await token());
  const status = await review(vault);
  assert.equal(status.authenticated, undefined);
  assert.deepEqual(status.user, {});
  assert.equal(
    status.error,
    `[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ${JSON.stringify(apiAudiences)}]`,
  );
  const denied = await cluster.kubectlWithToken(vault, ["get", "serviceaccounts", "-n", ns], { allowFail: true });
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /You must be logged in to the server \(Unauthorized\)/);
});

test("a default token reviews as authenticated with the API server's audiences, and not for vault", async () => {
  const ns = await cluster.namespace("tr-api");
  const { user, token } = await robot(ns);
  const plain = await token();
  const apiAudiences = audOf(plain);
  const ok = await review(plain);
  assert.equal(ok.authenticated, true);
  assert.deepEqual(ok.audiences, apiAudiences);
  assert.equal(ok.user.username, user.username);
  const refused = await review(plain, ["vault"]);
  assert.equal(refused.authenticated, undefined);
  assert.equal(
    refused.error,
    `[invalid bearer token, token audiences ${JSON.stringify(apiAudiences)} is invalid for the target audiences ["vault"]]`,
  );
  // A token for both audiences passes either review.
  const both = await token("vault", apiAudiences[0]);
  assert.deepEqual((await review(both, ["vault", "other"])).audiences, ["vault"]);
  assert.deepEqual((await review(both)).audiences, apiAudiences);
});

test("a token-file token is valid for the API server's audiences only; an unknown token is an invalid bearer token", async (t) => {
  if (!cluster.server) return t.skip("needs our server's token file");
  const apiAudiences = cluster.server.access.serviceAccounts.apiAudiences;
  const ok = await review("dana-token");
  assert.equal(ok.authenticated, true);
  assert.deepEqual(ok.audiences, apiAudiences);
  assert.deepEqual(ok.user, { username: "dana", uid: "uid-dana", groups: ["reviewers", "system:authenticated"] });
  // Static tokens are audience-agnostic: valid where the server's audiences meet the request's.
  assert.deepEqual(await review("dana-token", ["vault"]), { user: {}, error: "invalid bearer token" });
  assert.deepEqual((await review("dana-token", ["vault", apiAudiences[0]])).audiences, apiAudiences);
  assert.deepEqual(await review("garbage"), { user: {}, error: "invalid bearer token" });
});

test("a TokenReview without a token is 400 BadRequest", async () => {
  const input = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: {} });
  // --validate=false: newer schemas mark spec.token +required (k8s.io/api
  // authentication/v1 types.go), so kubectl would refuse it client-side;
  // v1.20's schema did not, and the server answers as here.
  const r = await cluster.kubectl(["create", "-f", "-", "--validate=false"], { input, allowFail: true });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error from server \(BadRequest\): .*token is required for TokenReview in authentication/);
});
