import { useOutletContext } from "react-router";
import { ResourceList } from "../components/ResourceList.tsx";
import { namespaceKind } from "../kinds/namespaces.tsx";
import type { ClusterOutlet } from "./ClusterPage.tsx";

export default function ClusterNamespaces() {
  const { cluster } = useOutletContext<ClusterOutlet>();
  return <ResourceList kind={namespaceKind} params={{ cluster }} />;
}
