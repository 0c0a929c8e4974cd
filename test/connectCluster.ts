// An API server whose egressDial leads to the stand-in kubelet and pod of
// test/fakeKubelet.ts, with a node, pods in several states, a Service with
// its Endpoints, and a token user "viewer" bound to the `view` ClusterRole.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { R } from "../src/apiserver/client.ts";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";
import { type FakeCluster, fakeCluster, NODE, POD_IP, POD_PORT } from "./fakeKubelet.ts";
import { type KubectlResult, runKubectl, tokenKubeconfig } from "./harness.ts";

export const VIEWER_TOKEN = "viewer-token-1234";

export type ConnectCluster = {
  server: ApiServer;
  fake: FakeCluster;
  kubeconfig: string;
  /** A kubeconfig of the same cluster as the token user "viewer". */
  viewerKubeconfig: string;
  kubectl(args: string[], allowFail?: boolean): Promise<KubectlResult>;
  close(): Promise<void>;
};

function pod(name: string, containers: string[], nodeName?: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: name } },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: containers.map((c) => ({ name: c, image: "nginx", ports: [{ name: "http", containerPort: POD_PORT }] })),
    },
  };
}

async function setStatus(server: ApiServer, r: typeof R.pods, name: string, namespace: string, status: object) {
  const client = server.client();
  const current = await client.get(r, namespace, name);
  await client.update(r, namespace, { ...current, status }, "status");
}

async function seed(server: ApiServer): Promise<void> {
  const client = server.client();
  await client.create(R.nodes, "", { apiVersion: "v1", kind: "Node", metadata: { name: NODE } });
  await setStatus(server, R.nodes, NODE, "", {
    // InternalIP first: kube-apiserver still prefers Hostname (--kubelet-preferred-address-types).
    addresses: [
      { type: "InternalIP", address: "10.0.0.1" },
      { type: "Hostname", address: NODE },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
  });
  await client.create(R.nodes, "", { apiVersion: "v1", kind: "Node", metadata: { name: "node-gone" } });
  await setStatus(server, R.nodes, "node-gone", "", {
    addresses: [{ type: "InternalIP", address: "10.0.0.9" }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
  });
  const running = { phase: "Running", podIP: POD_IP, podIPs: [{ ip: POD_IP }] };
  for (const [name, containers, node] of [
    ["web", ["app"], NODE],
    ["two", ["a", "b"], NODE],
    ["waiting", ["app"], NODE],
    ["orphan", ["app"], "node-gone"],
  ] as const) {
    await client.create(R.pods, "default", pod(name, [...containers], node));
    await setStatus(server, R.pods, name, "default", running);
  }
  await client.create(R.pods, "default", pod("pending", ["app"]));
  for (const name of ["web", "empty"]) {
    await client.create(R.services, "default", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: "default" },
      spec: { selector: { app: name }, ports: [{ port: 80, targetPort: "http" }] },
    });
  }
  // "empty" has an Endpoints object without ready addresses, as for a Service whose pods are not ready.
  await client.create(R.endpoints, "default", { apiVersion: "v1", kind: "Endpoints", metadata: { name: "empty", namespace: "default" } });
  await client.create(R.endpoints, "default", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "web", namespace: "default" },
    subsets: [
      {
        addresses: [{ ip: POD_IP, targetRef: { kind: "Pod", namespace: "default", name: "web" } }],
        ports: [{ port: POD_PORT, protocol: "TCP" }],
      },
    ],
  });
  await client.create({ group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings" }, "", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "viewer-view" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "viewer" }],
  });
}

export async function startConnectCluster(): Promise<ConnectCluster> {
  const fake = fakeCluster();
  const server = await startApiServer({
    egressDial: fake.dial,
    tokens: new Map([[VIEWER_TOKEN, { name: "viewer", groups: ["system:authenticated"] }]]),
  });
  fake.attach(server);
  const dir = await mkdtemp(join(tmpdir(), "kpanda-connect-"));
  const kubeconfig = join(dir, "kubeconfig");
  const viewerKubeconfig = join(dir, "viewer.kubeconfig");
  await writeFile(kubeconfig, server.kubeconfig());
  await writeFile(viewerKubeconfig, tokenKubeconfig(server.kubeconfig(), VIEWER_TOKEN));
  await seed(server);
  return {
    server,
    fake,
    kubeconfig,
    viewerKubeconfig,
    kubectl: (args, allowFail = false) => runKubectl(["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], { allowFail }),
    close: async () => {
      fake.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
