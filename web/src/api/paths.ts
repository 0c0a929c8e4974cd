// The REST paths the console calls, under /apis/kpanda.io/v1alpha1 (issue 10
// and ../shared/reference/kpanda-api-operations.txt). Every segment is escaped.
const e = encodeURIComponent;

export const paths = {
  login: "/login",
  logout: "/logout",
  me: "/me",
  clusters: "/clusters",
  validateCluster: "/clusters/validate",
  cluster: (c: string) => `/clusters/${e(c)}`,
  clusterLabels: (c: string) => `/clusters/${e(c)}/labels`,
  clusterSummary: (c: string) => `/clusters/${e(c)}/summary`,
  clusterSummaries: "/clustersummary",
  clusterKubeconfig: (c: string) => `/clusters/${e(c)}/kubeconfig`,
  nodes: (c: string) => `/clusters/${e(c)}/nodes`,
  node: (c: string, n: string) => `/clusters/${e(c)}/nodes/${e(n)}`,
  nodeCordon: (c: string, n: string, on: boolean) => `/clusters/${e(c)}/nodes/${e(n)}/${on ? "cordon" : "uncordon"}`,
  nodeDrain: (c: string, n: string) => `/clusters/${e(c)}/nodes/${e(n)}:drain`,
  nodeLabels: (c: string, n: string) => `/clusters/${e(c)}/nodes/${e(n)}/labels`,
  nodeTaints: (c: string, n: string) => `/clusters/${e(c)}/nodes/${e(n)}/taints`,
  namespaces: (c: string) => `/clusters/${e(c)}/namespaces`,
  namespace: (c: string, n: string) => `/clusters/${e(c)}/namespaces/${e(n)}`,
  namespaceLabels: (c: string, n: string) => `/clusters/${e(c)}/namespaces/${e(n)}/labels`,
  users: "/users",
  user: (n: string) => `/users/${e(n)}`,
  roleBindings: "/rolebindings",
  roleBinding: (n: string) => `/rolebindings/${e(n)}`,
  tokens: "/tokens",
  token: (n: string) => `/tokens/${e(n)}`,
  audit: "/audit",
  /** Cross-cluster lists of the multi-cluster cache (issue 11): /asl/pods, /asl/deployments, ... */
  asl: (resource: string) => `/asl/${e(resource)}`,
};
