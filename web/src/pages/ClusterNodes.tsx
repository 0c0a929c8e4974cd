import type { QueryClient } from "@tanstack/react-query";
import { type Params, useOutletContext } from "react-router";
import { prefetchResourceList, ResourceList } from "../components/ResourceList.tsx";
import { nodeKind } from "../kinds/nodes.tsx";
import type { ClusterOutlet } from "./ClusterPage.tsx";

/** The node table's first page, read before it renders (lib/pages.tsx). */
export function prefetch(client: QueryClient, { cluster }: Params) {
  return prefetchResourceList(client, nodeKind, { cluster });
}

export default function ClusterNodes() {
  const { cluster } = useOutletContext<ClusterOutlet>();
  return <ResourceList kind={nodeKind} params={{ cluster }} />;
}
