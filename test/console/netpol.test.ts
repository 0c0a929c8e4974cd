// The network policy form's spec and its words, as Kubernetes reads a
// NetworkPolicySpec (networking/v1 types.go and the NetworkPolicy concept
// page): policyTypes defaults to Ingress, plus Egress when there are egress
// rules; a direction with no rules denies all of it; a peer's podSelector
// alone means the policy's namespace, with a namespaceSelector the pods in
// those namespaces; a port's protocol defaults to TCP; endPort makes a range
// and needs a numeric port no greater than it (ValidateNetworkPolicyPort).
import assert from "node:assert/strict";
import { test } from "node:test";
import i18next from "i18next";
import { en } from "../../web/src/i18n/en.ts";
import { FormProblem, newForm, newPeer, newPort, newRule, objectOf } from "../../web/src/policies/netpolForm.ts";
import { describeNetworkPolicy } from "../../web/src/policies/netpolWords.ts";

const i18n = i18next.createInstance();
await i18n.init({ lng: "en", resources: { en: { translation: en } }, interpolation: { escapeValue: false } });
const words = (spec: object) => describeNetworkPolicy(i18n.t, "shop", spec);

test("a NetworkPolicy without policyTypes and rules isolates its pods for ingress only", () => {
  assert.deepEqual(words({ podSelector: {} }), ["Selects all pods in namespace shop.", "Denies all ingress."]);
});

test("egress rules add Egress to the default policyTypes; an IP block names its exceptions, an empty rule allows anywhere on all ports", () => {
  const spec = { podSelector: { matchLabels: { app: "web" } }, ingress: [{}], egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ protocol: "UDP", port: 53 }] }] };
  assert.deepEqual(words(spec), [
    "Selects pods with app=web in namespace shop.",
    "Allows ingress from anywhere on all ports.",
    "Allows egress to 10.0.0.0/8 except 10.1.0.0/16 on UDP 53.",
  ]);
});

test("a namespace selector peer names the namespaces; a port without protocol is TCP, an endPort makes a range", () => {
  const spec = {
    podSelector: {},
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "ops" } }, podSelector: { matchExpressions: [{ key: "role", operator: "In", values: ["a", "b"] }] } }, { namespaceSelector: {} }], ports: [{ port: 8000, endPort: 8080 }] }],
  };
  assert.deepEqual(words(spec), [
    "Selects all pods in namespace shop.",
    "Allows ingress from pods with role in (a,b) in namespaces with team=ops or all pods in all namespaces on TCP 8000-8080.",
  ]);
});

test("the form makes the spec: selectors parsed, numeric and named ports, peers of each type, both directions", () => {
  const f = newForm();
  f.name = "web";
  f.podSelector = "app=web,tier!=db";
  f.rules.ingress[0].peers[0].pods = "role=frontend";
  f.rules.ingress[0].ports = [{ ...newPort(), port: "http" }];
  f.on.egress = true;
  f.rules.egress = [{ peers: [{ ...newPeer(), type: "ipBlock", cidr: "0.0.0.0/0", except: "169.254.169.254/32" }], ports: [{ protocol: "TCP", port: "443", endPort: "" }] }];
  assert.deepEqual(objectOf(f), {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "web" },
    spec: {
      podSelector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { role: "frontend" } } }], ports: [{ protocol: "TCP", port: "http" }] }],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] }],
    },
  });
});

test("the form refuses an endPort below its port or with a named port, a bad CIDR, and no direction", () => {
  const f = { ...newForm(), name: "x" };
  f.rules.ingress = [{ ...newRule(), ports: [{ protocol: "TCP", port: "90", endPort: "80" }] }];
  assert.throws(() => objectOf(f), (e) => e instanceof FormProblem && e.message === "policies.np.badEndPort");
  f.rules.ingress = [{ ...newRule(), ports: [{ protocol: "TCP", port: "http", endPort: "90" }] }];
  assert.throws(() => objectOf(f), (e) => e instanceof FormProblem && e.message === "policies.np.badEndPort");
  f.rules.ingress = [{ peers: [{ ...newPeer(), type: "ipBlock", cidr: "10.0.0.0" }], ports: [] }];
  assert.throws(() => objectOf(f), (e) => e instanceof FormProblem && e.message === "policies.np.badCidr");
  assert.throws(() => objectOf({ ...f, on: { ingress: false, egress: false } }), (e) => e instanceof FormProblem && e.message === "policies.np.noDirection");
});
