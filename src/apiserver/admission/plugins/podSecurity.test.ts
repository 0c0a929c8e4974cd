import assert from "node:assert/strict";
import { test } from "node:test";
import { systemContext } from "../../registry/context.ts";
import { ApiError } from "../../registry/errors.ts";
import { evaluatePod, forbiddenDetail } from "./podSecurityChecks.ts";
import { policyFromLabels } from "./podSecurity.ts";
import { pod, testStore } from "./testing.ts";

const L = "pod-security.kubernetes.io/";

test("baseline names each violation with upstream's reason and detail", () => {
  const spec = {
    hostNetwork: true,
    hostPID: true,
    securityContext: { sysctls: [{ name: "kernel.msgmax", value: "1" }], seccompProfile: { type: "Unconfined" } },
    containers: [
      { name: "a", securityContext: { privileged: true, capabilities: { add: ["NET_ADMIN", "CHOWN"] } }, ports: [{ hostPort: 80 }] },
      { name: "b", securityContext: { privileged: true, procMount: "Unmasked" } },
    ],
    volumes: [{ name: "root", hostPath: { path: "/" } }],
  };
  assert.equal(
    forbiddenDetail(evaluatePod("baseline", {}, spec)),
    [
      'non-default capabilities (container "a" must not include "NET_ADMIN" in securityContext.capabilities.add)',
      "host namespaces (hostNetwork=true, hostPID=true)",
      'hostPath volumes (volume "root")',
      'hostPort (container "a" uses hostPort 80)',
      'privileged (containers "a", "b" must not set securityContext.privileged=true)',
      'procMount (container "b" must not set securityContext.procMount to "Unmasked")',
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
      "forbidden sysctls (kernel.msgmax)",
    ].join(", "),
  );
});

test("restricted replaces the baseline capability and seccomp checks with its own", () => {
  const spec = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "c",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SYS_TIME"] } },
      },
    ],
    volumes: [{ name: "data", nfs: { server: "x", path: "/" } }, { name: "cfg", configMap: { name: "x" } }],
  };
  assert.equal(
    forbiddenDetail(evaluatePod("restricted", {}, spec)),
    'unrestricted capabilities (container "c" must not include "SYS_TIME" in securityContext.capabilities.add), restricted volume types (volume "data" uses restricted volume type "nfs")',
  );
  assert.deepEqual(evaluatePod("privileged", {}, spec), []);
});

test("namespace labels: warn follows a stricter enforce level; a bad level is a field error", () => {
  const { policy } = policyFromLabels({ [`${L}enforce`]: "baseline", [`${L}enforce-version`]: "v1.31" });
  assert.deepEqual(policy.warn, { level: "baseline", version: "v1.31" });
  const bad = policyFromLabels({ [`${L}enforce`]: "strict" });
  assert.equal(bad.policy.enforce.level, "restricted");
  assert.deepEqual(bad.errs.map((e) => `${e.field}: ${e.message}`), [
    `metadata.labels[${L}enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`,
  ]);
});

test("enforce refuses a pod with 403; warn adds a warning; workloads only warn", () => {
  const t = testStore("t", { [`${L}enforce`]: "baseline", [`${L}warn`]: "restricted" });
  let err: unknown;
  try {
    t.create("pods", "t", pod("x", { securityContext: { privileged: true } }));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 403);
  assert.equal(
    err.message,
    'pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
  );
  const ctx = systemContext();
  t.create("pods", "t", pod("y"), ctx);
  assert.equal(ctx.warnings.length, 1);
  assert.match(ctx.warnings[0], /^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);

  const dctx = systemContext();
  const template = { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "x", securityContext: { privileged: true } }] } };
  t.store.create(t.info("deployments", "apps"), "t", { metadata: { name: "d" }, spec: { selector: { matchLabels: { a: "b" } }, template } }, dctx);
  assert.match(dctx.warnings[0], /^would violate PodSecurity "restricted:latest": privileged \(container "c"/);
});

test("a stricter enforce label warns about the existing pods that violate it", () => {
  const t = testStore();
  t.create("pods", "t", pod("a", { securityContext: { privileged: true } }));
  t.create("pods", "t", pod("b", { securityContext: { privileged: true } }));
  t.create("pods", "t", pod("c"));
  const ctx = systemContext();
  t.store.mutate(t.info("namespaces"), "", "t", ctx, (ns) => {
    ns.metadata!.labels = { [`${L}enforce`]: "baseline" };
    return true;
  });
  assert.deepEqual(ctx.warnings, [
    'existing pods in namespace "t" violate the new PodSecurity enforce level "baseline:latest"',
    "a (and 1 other pod): privileged",
  ]);
});

test("relaxing the enforce level at the same version does not check the existing pods", () => {
  // ValidateNamespace skips the dry run of pods when the new enforce level is the same version and no stricter.
  const t = testStore();
  t.create("pods", "t", pod("a", { securityContext: { privileged: true } }));
  const relabel = (labels: Record<string, string>) => {
    const ctx = systemContext();
    t.store.mutate(t.info("namespaces"), "", "t", ctx, (ns) => {
      ns.metadata!.labels = labels;
      return true;
    });
    return ctx.warnings;
  };
  assert.equal(relabel({ [`${L}enforce`]: "restricted" }).length, 2);
  assert.deepEqual(relabel({ [`${L}enforce`]: "baseline" }), []);
  // A new version is checked even at a lower level.
  assert.equal(relabel({ [`${L}enforce`]: "baseline", [`${L}enforce-version`]: "v1.30" })[1], "a: privileged");
});
