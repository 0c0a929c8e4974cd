import { useOutletContext } from "react-router";
import { ResourceList } from "../components/ResourceList.tsx";
import { nodeKind } from "../kinds/nodes.tsx";
import type { ClusterOutlet } from "./ClusterPage.tsx";

export default function ClusterNodes() {
  const { cluster } = useOutletContext<ClusterOutlet>();
  return <ResourceList kind={nodeKind} params={{ cluster }} />;
}
