// Scaling against a real API server, when KPANDA_TEST_KUBECONFIG names one
// (the v1.20.2 of ~/.cache/real-kube): the HPA version kpanda picks is one
// the member serves (autoscaling/v2beta2 on 1.20: v2 came in 1.23), the
// CronHPA CRD installs and serves there, and a scheduled job moves an HPA's
// bounds and scales the Deployment through the member's scale subresource.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import pino from "pino";
import { callerJson, KPANDA } from "../../src/platform/apps/callAs.ts";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { Member } from "../../src/platform/clusters/members.ts";
import { CRONHPA_CRD, cronHpaPath, ensureCronHpaCrd } from "../../src/platform/scaling/cronHpaCrd.ts";
import { CronHpaController } from "../../src/platform/scaling/CronHpaController.ts";
import { hpaPath, hpaVersion, workloadPath } from "../../src/platform/scaling/scale.ts";
import { FakeClock } from "../../src/simulator/clock.ts";

const kubeconfig = process.env.KPANDA_TEST_KUBECONFIG;
const NS = `kpanda-cronhpa-${process.pid}`;

async function until<T>(what: string, fn: () => Promise<T>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("a CronHPA on a real member moves its HPA (at the version it serves) and scales the Deployment", { skip: !kubeconfig && "KPANDA_TEST_KUBECONFIG is not set" }, async () => {
  const m = new Member("real", parseKubeconfig(readFileSync(kubeconfig!, "utf8")));
  const clock = new FakeClock(Date.parse("2026-03-02T00:00:00Z"));
  const controller = new CronHpaController({ clusters: { list: () => [{ name: "real", phase: "Running" }], onChange: () => {} }, member: async () => m, log: pino({ level: "silent" }), clock, retryMs: 200 });
  const run = new AbortController();
  const call = (method: string, path: string, body?: unknown) => callerJson(m, KPANDA, { method, path, body });
  try {
    const served = await callerJson(m, KPANDA, { path: "/version" });
    const version = await hpaVersion(m);
    // 1.20 serves autoscaling v1, v2beta1 and v2beta2; v2 from 1.23.
    assert.equal(version, Number(served.minor) >= 23 ? "v2" : "v2beta2");
    await call("POST", "/api/v1/namespaces", { metadata: { name: NS } });
    await call("POST", workloadPath(NS, "deployments", "").replace(/\/$/, ""), {
      metadata: { name: "web" },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "nginx" }] } } },
    });
    await call("POST", hpaPath(version, NS), {
      apiVersion: `autoscaling/${version}`,
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 1, maxReplicas: 2, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }] },
    });
    await ensureCronHpaCrd(m);
    await call("POST", cronHpaPath(NS), {
      apiVersion: "autoscaling.kpanda.io/v1alpha1",
      kind: "CronHorizontalPodAutoscaler",
      metadata: { name: "web" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, jobs: [{ name: "up", schedule: "0 9 * * *", targetSize: 3 }] },
    });
    controller.start(run.signal);
    const next = await until("the job scheduled", async () => (await call("GET", cronHpaPath(NS, "web"))).status?.conditions?.[0]?.nextRunTime);
    assert.equal(next, "2026-03-02T09:00:00Z");
    await clock.advance(Date.parse(next) - clock.now());
    await until("HPA bounds 3-3", async () => {
      const h = await call("GET", hpaPath(version, NS, "web"));
      return h.spec.minReplicas === 3 && h.spec.maxReplicas === 3;
    });
    await until("web scaled to 3", async () => (await call("GET", workloadPath(NS, "deployments", "web"))).spec.replicas === 3);
  } finally {
    run.abort();
    await controller.stop();
    await call("DELETE", `/api/v1/namespaces/${NS}`).catch(() => {});
    await call("DELETE", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRONHPA_CRD}`).catch(() => {});
  }
});
