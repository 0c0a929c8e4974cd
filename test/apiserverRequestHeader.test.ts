// Request-header authentication (kube's --requestheader-* flags, as kubeadm
// sets them): X-Remote-* headers name the user only on a connection whose
// client certificate the front-proxy CA signed with CN front-proxy-client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AUTH_CONFIGMAP } from "../src/apiserver/controllers/authenticationTrust.ts";
import { R } from "../src/apiserver/client.ts";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";
import { issueClientCert, type KeyPairPem } from "../src/apiserver/tls/pki.ts";
import { type Credentials, httpsCall } from "./httpsCall.ts";

let server: ApiServer;
let stranger: KeyPairPem;
before(async () => {
  server = await startApiServer({ port: 0, tokens: new Map([["bob-token", { name: "bob", groups: ["devs"] }]]) });
  stranger = await issueClientCert(server.pki.frontProxy.ca, "not-a-front-proxy");
});
after(() => server.close());

const frontProxy = (): Credentials => ({ ca: server.pki.ca.cert, ...server.pki.frontProxy.client });

/** Who the server takes the caller for: a SelfSubjectReview's status.userInfo, or the failing status code. */
async function whoAmI(creds: Credentials, headers: Record<string, string | string[]> = {}): Promise<any> {
  const body = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
  const reply = await httpsCall(`${server.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, creds, { method: "POST", body, headers });
  return reply.status === 201 ? reply.json().status.userInfo : reply.status;
}

test("a front proxy's X-Remote-User, -Group and -Extra- headers name the user", async () => {
  const who = await whoAmI(frontProxy(), {
    "X-Remote-User": "alice",
    "X-Remote-Group": ["team-a", "team-b"],
    "X-Remote-Extra-Scopes": ["read", "write"],
    // Extra keys arrive lower-cased and %-escaped (client-go headerKeyEscape); the server unescapes them.
    "X-Remote-Extra-Acme.com%2Fproject": "p1",
  });
  // The authenticated-group adder appends system:authenticated.
  assert.deepEqual(who, {
    username: "alice",
    groups: ["team-a", "team-b", "system:authenticated"],
    extra: { scopes: ["read", "write"], "acme.com/project": ["p1"] },
  });
});

test("X-Remote-User from an ordinary client certificate is ignored: the certificate names the user", async () => {
  const who = await whoAmI({ ca: server.pki.ca.cert, ...server.admin }, { "X-Remote-User": "alice", "X-Remote-Group": "system:masters" });
  assert.equal(who.username, "kubernetes-admin");
});

test("X-Remote-User beside a bearer token is ignored: the token names the user", async () => {
  const who = await whoAmI({ ca: server.pki.ca.cert, token: "bob-token" }, { "X-Remote-User": "alice" });
  assert.deepEqual(who, { username: "bob", groups: ["devs", "system:authenticated"] });
});

test("a front-proxy CA certificate with a common name outside the allowed names is not trusted", async () => {
  // x509 Verifier: "subject with cn=... is not in the allowed list"; no other authenticator accepts it, so 401.
  assert.equal(await whoAmI({ ca: server.pki.ca.cert, ...stranger }, { "X-Remote-User": "alice" }), 401);
});

test("the front proxy's own certificate names no user without X-Remote-User", async () => {
  // requestheader answers "not authenticated"; the x509 authenticator trusts only the client CA.
  assert.equal(await whoAmI(frontProxy()), 401);
});

test("the server publishes its request-header configuration in kube-system/extension-apiserver-authentication", async () => {
  const cm = await server.client().get(R.configmaps, AUTH_CONFIGMAP.namespace, AUTH_CONFIGMAP.name);
  assert.equal(cm.data["requestheader-client-ca-file"], server.pki.frontProxy.ca.cert);
  assert.equal(cm.data["client-ca-file"], server.pki.ca.cert);
  // JSON string lists, as the cluster-authentication-trust controller writes them.
  assert.equal(cm.data["requestheader-allowed-names"], '["front-proxy-client"]');
  assert.equal(cm.data["requestheader-username-headers"], '["X-Remote-User"]');
  assert.equal(cm.data["requestheader-group-headers"], '["X-Remote-Group"]');
  assert.equal(cm.data["requestheader-extra-headers-prefix"], '["X-Remote-Extra-"]');
});
