// NetworkPolicy and Ingress checks (pkg/apis/networking/validation, 1.32),
// with upstream's field paths and messages.
import { isIP } from "node:net";
import { arrayAt, type Errs, forbidden, invalid, isObj, notSupported, required, typeError } from "./fieldErrors.ts";
import { validateLabelSelector } from "./labelSelector.ts";
import { isDNS1123Subdomain, isValidPortName } from "./names.ts";

type Obj = Record<string, any>;

/** validation.IsValidPortNum. */
function portNumErrors(v: number): string[] {
  return v >= 1 && v <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

function validatePolicyPort(p: Obj, path: string, errs: Errs): void {
  const protocols = ["TCP", "UDP", "SCTP"];
  if (p.protocol != null && !protocols.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, protocols));
  if (p.port == null) {
    if (p.endPort != null) errs.push(invalid(`${path}.endPort`, p.endPort, "may not be specified when `port` is not specified"));
    return;
  }
  if (typeof p.port === "number") {
    for (const m of portNumErrors(p.port)) errs.push(invalid(`${path}.port`, p.port, m));
    if (typeof p.endPort === "number") {
      // Upstream shows the port, not the endPort, as the bad value here.
      if (p.endPort < p.port) errs.push(invalid(`${path}.endPort`, p.port, "must be greater than or equal to `port`"));
      for (const m of portNumErrors(p.endPort)) errs.push(invalid(`${path}.endPort`, p.endPort, m));
    }
  } else if (typeof p.port === "string") {
    if (p.endPort != null) errs.push(invalid(`${path}.endPort`, p.endPort, "may not be specified when `port` is non-numeric"));
    for (const m of isValidPortName(p.port)) errs.push(invalid(`${path}.port`, p.port, m));
  }
}

/** A CIDR as [address bytes as bigint, prefix length, bits], or undefined. */
function parseCIDR(v: unknown): [bigint, number, number] | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
  if (!m) return undefined;
  const family = isIP(m[1]);
  const bits = family === 4 ? 32 : family === 6 ? 128 : 0;
  const len = Number(m[2]);
  if (!bits || len > bits) return undefined;
  let n = 0n;
  if (family === 4) for (const part of m[1].split(".")) n = (n << 8n) | BigInt(Number(part));
  else {
    const compressed = m[1].includes("::");
    const [head, tail] = compressed ? m[1].split("::") : [m[1], ""];
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const groups = [...h, ...Array(compressed ? 8 - h.length - t.length : 0).fill("0"), ...t];
    for (const g of groups) n = (n << 16n) | BigInt(Number.parseInt(g || "0", 16));
  }
  return [n, len, bits];
}

function validateIPBlock(b: Obj, path: string, errs: Errs): void {
  if (!b.cidr) {
    errs.push(required(`${path}.cidr`));
    return;
  }
  const cidr = parseCIDR(b.cidr);
  if (!cidr) {
    errs.push(invalid(`${path}.cidr`, b.cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
    return;
  }
  arrayAt(b.except, `${path}.except`, errs).forEach((e, i) => {
    const p = `${path}.except[${i}]`;
    const ex = parseCIDR(e);
    if (!ex) {
      errs.push(invalid(p, e, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
      return;
    }
    const [net, len, bits] = cidr;
    const shift = BigInt(bits - len);
    const inside = ex[2] === bits && ex[1] > len && ex[0] >> shift === net >> shift;
    if (!inside) errs.push(invalid(p, e, "must be a strict subset of `cidr`"));
  });
}

function validatePeer(peer: unknown, path: string, errs: Errs): void {
  if (!isObj(peer)) {
    errs.push(typeError(path, peer, "object"));
    return;
  }
  let n = 0;
  if (peer.podSelector != null) {
    n++;
    validateLabelSelector(peer.podSelector, `${path}.podSelector`, errs);
  }
  if (peer.namespaceSelector != null) {
    n++;
    validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`, errs);
  }
  if (peer.ipBlock != null) {
    n++;
    if (isObj(peer.ipBlock)) validateIPBlock(peer.ipBlock, `${path}.ipBlock`, errs);
  }
  if (n === 0) errs.push(required(path, "must specify a peer"));
  else if (n > 1 && peer.ipBlock != null) errs.push(forbidden(path, "may not specify both ipBlock and another peer"));
}

export function validateNetworkPolicy(obj: Obj, errs: Errs): void {
  const s = obj.spec;
  if (!isObj(s)) {
    if (s != null) errs.push(typeError("spec", s, "object"));
    return;
  }
  validateLabelSelector(s.podSelector, "spec.podSelector", errs);
  for (const [dir, peers] of [
    ["ingress", "from"],
    ["egress", "to"],
  ] as const) {
    arrayAt(s[dir], `spec.${dir}`, errs).forEach((rule, i) => {
      if (!isObj(rule)) return;
      arrayAt(rule.ports, `spec.${dir}[${i}].ports`, errs).forEach((p, j) => {
        if (isObj(p)) validatePolicyPort(p, `spec.${dir}[${i}].ports[${j}]`, errs);
      });
      arrayAt(rule[peers], `spec.${dir}[${i}].${peers}`, errs).forEach((p, j) => {
        validatePeer(p, `spec.${dir}[${i}].${peers}[${j}]`, errs);
      });
    });
  }
  const types = ["Ingress", "Egress"];
  const pts = arrayAt(s.policyTypes, "spec.policyTypes", errs);
  pts.forEach((t, i) => {
    if (!types.includes(t as string)) errs.push(notSupported(`spec.policyTypes[${i}]`, t, types));
  });
  if (pts.length > 2) errs.push(invalid("spec.policyTypes", pts, "may not specify more than two policyTypes"));
}

function validateBackend(b: Obj, path: string, errs: Errs): void {
  const hasService = b.service != null;
  const hasResource = b.resource != null;
  if (hasService && hasResource) {
    errs.push(invalid(path, "", "cannot set both resource and service backends"));
    return;
  }
  if (hasResource) {
    const r = isObj(b.resource) ? b.resource : {};
    if (!r.kind) errs.push(required(`${path}.resource.kind`));
    if (!r.name) errs.push(required(`${path}.resource.name`));
    return;
  }
  if (!hasService) {
    errs.push(invalid(path, "", "resource or service backend is required"));
    return;
  }
  const svc = isObj(b.service) ? b.service : {};
  const sp = `${path}.service`;
  if (!svc.name) errs.push(required(`${sp}.name`));
  else if (typeof svc.name === "string") for (const m of isDNS1123Subdomain(svc.name)) errs.push(invalid(`${sp}.name`, svc.name, m));
  const port = isObj(svc.port) ? svc.port : {};
  const hasName = typeof port.name === "string" && port.name !== "";
  const hasNumber = typeof port.number === "number" && port.number !== 0;
  if (hasName && hasNumber) errs.push(invalid(`${sp}.port`, "", "cannot set both port name & port number"));
  else if (hasName) for (const m of isValidPortName(port.name)) errs.push(invalid(`${sp}.port.name`, port.name, m));
  else if (hasNumber) for (const m of portNumErrors(port.number)) errs.push(invalid(`${sp}.port.number`, port.number, m));
  else errs.push(required(`${sp}.port`, "port name or number is required"));
}

/** A rule or TLS host: a DNS subdomain, "*." wildcards allowed, never an IP address. */
function validateHost(host: string, path: string, errs: Errs): void {
  if (isIP(host)) {
    errs.push(invalid(path, host, "must be a DNS name, not an IP address"));
    return;
  }
  if (host.startsWith("*.")) {
    for (const m of isDNS1123Subdomain(host.slice(2))) {
      errs.push(invalid(path, host, m.replace("a lowercase RFC 1123 subdomain", "a wildcard DNS-1123 subdomain")));
    }
    return;
  }
  for (const m of isDNS1123Subdomain(host)) errs.push(invalid(path, host, m));
}

const BAD_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const BAD_ENDINGS = ["/..", "/."];

export function validateIngress(obj: Obj, errs: Errs): void {
  const s = obj.spec;
  if (!isObj(s)) return;
  const rules = arrayAt(s.rules, "spec.rules", errs);
  if (rules.length === 0 && s.defaultBackend == null) {
    errs.push(invalid("spec", null, "either `defaultBackend` or `rules` must be specified"));
  }
  if (isObj(s.defaultBackend)) validateBackend(s.defaultBackend, "spec.defaultBackend", errs);
  if (typeof s.ingressClassName === "string") {
    for (const m of isDNS1123Subdomain(s.ingressClassName)) errs.push(invalid("spec.ingressClassName", s.ingressClassName, m));
  }
  rules.forEach((r, i) => {
    if (!isObj(r)) return;
    if (typeof r.host === "string" && r.host) validateHost(r.host, `spec.rules[${i}].host`, errs);
    if (!isObj(r.http)) return;
    const paths = arrayAt(r.http.paths, `spec.rules[${i}].http.paths`, errs);
    if (paths.length === 0) errs.push(required(`spec.rules[${i}].http.paths`));
    paths.forEach((p, j) => {
      const path = `spec.rules[${i}].http.paths[${j}]`;
      if (!isObj(p)) return;
      const pt = ["Exact", "ImplementationSpecific", "Prefix"];
      if (!p.pathType) errs.push(required(`${path}.pathType`, "pathType must be specified"));
      else if (!pt.includes(p.pathType)) errs.push(notSupported(`${path}.pathType`, p.pathType, pt));
      if ((p.pathType === "Exact" || p.pathType === "Prefix") && typeof p.path === "string") {
        if (!p.path.startsWith("/")) errs.push(invalid(`${path}.path`, p.path, "must be an absolute path"));
        for (const bad of BAD_SEQUENCES) {
          if (p.path.includes(bad)) errs.push(invalid(`${path}.path`, p.path, `must not contain '${bad}'`));
        }
        for (const bad of BAD_ENDINGS) {
          if (p.path.endsWith(bad)) errs.push(invalid(`${path}.path`, p.path, `cannot end with '${bad}'`));
        }
      } else if (p.pathType === "ImplementationSpecific" && typeof p.path === "string" && p.path && !p.path.startsWith("/")) {
        errs.push(invalid(`${path}.path`, p.path, "must be an absolute path"));
      }
      if (!isObj(p.backend)) errs.push(required(`${path}.backend`));
      else validateBackend(p.backend, `${path}.backend`, errs);
    });
  });
  arrayAt(s.tls, "spec.tls", errs).forEach((t, i) => {
    if (!isObj(t)) return;
    arrayAt(t.hosts, `spec.tls[${i}].hosts`, errs).forEach((h, j) => {
      if (typeof h === "string") validateHost(h, `spec.tls[${i}].hosts[${j}]`, errs);
    });
  });
}
