// How the simulated metrics-server joins its cluster, as metrics-server's
// release manifest (components.yaml) installs the real one: the Service
// kube-system/metrics-server (port 443 → the container's "https" port), the
// APIService v1beta1.metrics.k8s.io pointing at it, and the ClusterRole
// system:aggregated-metrics-reader aggregated into view, edit and admin.
// Differences, because no pod runs it: the Service has no selector and the
// server writes its Endpoints and EndpointSlice itself (a dedicated address
// on the cluster's network, METRICS_ENDPOINT), and the APIService carries
// the server's CA as caBundle where the manifest sets insecureSkipTLSVerify.
import { type KObject, type KubeClient, KubeError, R, type Resource } from "../../apiserver/client.ts";
import { createAuthority, issueServingCert, type KeyPairPem } from "../../apiserver/tls/pki.ts";

export const METRICS_SERVICE = { namespace: "kube-system", name: "metrics-server" };
/** Where the metrics-server listens on the cluster network: outside the node (10.0/10) and pod (10.128/9) ranges. */
export const METRICS_ENDPOINT = { ip: "10.64.0.2", port: 10250 };

const R_APISERVICES: Resource = { group: "apiregistration.k8s.io", version: "v1", resource: "apiservices" };
const R_CLUSTERROLES: Resource = { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles" };

let tls: Promise<{ ca: KeyPairPem; serving: KeyPairPem }> | undefined;

/** The server's CA and serving certificate (for metrics-server.kube-system.svc), made once per process. */
export function metricsServerTls(): Promise<{ ca: KeyPairPem; serving: KeyPairPem }> {
  tls ??= (async () => {
    const ca = await createAuthority("metrics-server-ca");
    const { namespace, name } = METRICS_SERVICE;
    const serving = await issueServingCert(ca, name, [`${name}.${namespace}.svc`, METRICS_ENDPOINT.ip]);
    return { ca, serving };
  })();
  return tls;
}

const labels = { "k8s-app": "metrics-server" };

function objects(caPem: string): [Resource, string, KObject][] {
  const { namespace, name } = METRICS_SERVICE;
  const agg = "rbac.authorization.k8s.io/aggregate-to-";
  const port = { name: "https", port: METRICS_ENDPOINT.port, protocol: "TCP" };
  return [
    [
      R_CLUSTERROLES,
      "",
      {
        metadata: { name: "system:aggregated-metrics-reader", labels: { ...labels, [`${agg}admin`]: "true", [`${agg}edit`]: "true", [`${agg}view`]: "true" } },
        rules: [{ apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] }],
      },
    ],
    [R.services, namespace, { metadata: { name, namespace, labels }, spec: { ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: "https" }] } }],
    [R.endpoints, namespace, { metadata: { name, namespace, labels }, subsets: [{ addresses: [{ ip: METRICS_ENDPOINT.ip }], ports: [port] }] }],
    [
      R.endpointslices,
      namespace,
      {
        metadata: {
          name,
          namespace,
          labels: { ...labels, "kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "metrics-server.sim.kpanda.io" },
        },
        addressType: "IPv4",
        endpoints: [{ addresses: [METRICS_ENDPOINT.ip], conditions: { ready: true } }],
        ports: [port],
      },
    ],
    [
      R_APISERVICES,
      "",
      {
        metadata: { name: "v1beta1.metrics.k8s.io", labels },
        spec: {
          group: "metrics.k8s.io",
          version: "v1beta1",
          groupPriorityMinimum: 100,
          versionPriority: 100,
          service: { name, namespace, port: 443 },
          caBundle: Buffer.from(caPem).toString("base64"),
        },
      },
    ],
  ];
}

/** Creates what registers the metrics-server (what exists already is left as it is). */
export async function registerMetricsServer(client: KubeClient, caPem: string): Promise<void> {
  for (const [r, ns, obj] of objects(caPem)) {
    try {
      await client.create(r, ns, obj);
    } catch (e) {
      if (!(e instanceof KubeError && e.code === 409)) throw e;
    }
  }
}
