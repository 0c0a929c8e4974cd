// Where services/proxy leads: one ready endpoint of the Service's port, as
// kube's pkg/registry/core/service/storage (ResourceLocation) picks it. Like
// v1.32 it reads the Endpoints object (not EndpointSlices); the endpoints
// controller has already resolved targetPort by number or name.
import { ApiError, badRequest } from "./errors.ts";
import { type Location, splitSchemeNamePort } from "./podLocation.ts";
import type { ObjectStore } from "./store.ts";
import type { KObject } from "./types.ts";

function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, "ServiceUnavailable", message);
}

function pick<T>(items: T[]): number {
  return Math.floor(Math.random() * items.length);
}

type Address = { ip?: string; targetRef?: { kind?: string; namespace?: string; name?: string } };

/** isValidAddress: the address names a pod of this namespace that has that IP. */
function validAddress(store: ObjectStore, namespace: string, addr: Address): boolean {
  const ref = addr.targetRef;
  if (!ref?.name || ref.namespace !== namespace) return false;
  try {
    const pod = store.get(store.registry.lookup("", "v1", "pods")!, namespace, ref.name).obj();
    const ips: string[] = (pod.status?.podIPs ?? []).map((p: { ip: string }) => p.ip);
    return ips.includes(addr.ip ?? "");
  } catch {
    return false;
  }
}

/**
 * The URL of one ready endpoint for `id` ("name", "name:port" or
 * "scheme:name:port", the port a number or a port name). Random among the
 * candidates, as kube's is; 503 when there is none.
 */
export function serviceProxyLocation(store: ObjectStore, namespace: string, id: string): Location {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw badRequest(`invalid service request ${JSON.stringify(id)}`);
  let portName = parsed.port;
  if (/^\d+$/.test(portName)) {
    const svc = store.get(store.registry.lookup("", "v1", "services")!, namespace, parsed.name).obj();
    const port = (svc.spec?.ports ?? []).find((p: KObject) => p.port === Number(portName));
    if (!port) throw serviceUnavailable(`no service port ${Number(portName)} found for service ${JSON.stringify(parsed.name)}`);
    portName = port.name ?? "";
  }
  const eps = store.get(store.registry.lookup("", "v1", "endpoints")!, namespace, parsed.name).obj();
  const subsets: KObject[] = eps.subsets ?? [];
  if (subsets.length === 0) throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(parsed.name)}`);
  const start = pick(subsets);
  for (let i = 0; i < subsets.length; i++) {
    const ss = subsets[(start + i) % subsets.length];
    const addresses: Address[] = ss.addresses ?? [];
    if (addresses.length === 0) continue;
    for (const port of ss.ports ?? []) {
      if ((port.name ?? "") !== portName) continue;
      const first = pick(addresses);
      for (let j = 0; j < addresses.length; j++) {
        const addr = addresses[(first + j) % addresses.length];
        if (!validAddress(store, namespace, addr)) continue;
        const ip = addr.ip ?? "";
        const host = ip.includes(":") ? `[${ip}]:${port.port}` : `${ip}:${port.port}`;
        return { url: new URL(`${parsed.scheme || "http"}://${host}`), kubelet: false };
      }
    }
  }
  // kube names the request's id here, port included.
  throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(id)}`);
}
