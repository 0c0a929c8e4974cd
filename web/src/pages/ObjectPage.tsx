// An object's page under /clusters/:cluster/namespaces/:namespace/:kind/:name:
// a Service's, Ingress's, ConfigMap's, Secret's or PVC's own page, else the
// workload page. Chosen here rather than by one route per kind in App.tsx,
// which would put resources/model.ts (and the YAML library it imports) in
// the start-up bundle.
import { useParams } from "react-router";
import { isResource } from "../resources/model.ts";
import ResourcePage from "./ResourcePage.tsx";
import WorkloadPage from "./WorkloadPage.tsx";

export default function ObjectPage() {
  const { kind } = useParams();
  return isResource(kind) ? <ResourcePage key={kind} plural={kind} /> : <WorkloadPage />;
}
