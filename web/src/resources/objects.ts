// The objects the Secret, PVC and Ingress create forms send, from what was
// typed (plain functions, so a test can send them to a real server).
import type { KObject } from "../api/apps.ts";

// --- Secrets ---

export const SECRET_TYPES = ["Opaque", "kubernetes.io/dockerconfigjson", "kubernetes.io/tls"] as const;
export type SecretType = (typeof SECRET_TYPES)[number];
export type Registry = { server: string; username: string; password: string; email: string };
export type TlsPair = { crt: string; key: string };

/** Base64 of a string's UTF-8 bytes. */
const base64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/**
 * The .dockerconfigjson of one registry, as kubectl's create secret
 * docker-registry writes it (handleDockerCfgJSONContent): {"auths": {server:
 * {username, password, email (left out when empty), auth: base64(user:password)}}}.
 */
export function dockerConfigJson(r: Registry): string {
  const entry = {
    username: r.username,
    password: r.password,
    ...(r.email.trim() ? { email: r.email.trim() } : {}),
    auth: base64(`${r.username}:${r.password}`),
  };
  return JSON.stringify({ auths: { [r.server.trim()]: entry } });
}

/**
 * A Secret of `type`, its values as stringData (the member encodes them into
 * data): the typed pairs for Opaque, else the keys the type requires
 * (ValidateSecret: .dockerconfigjson; tls.crt and tls.key).
 */
export function secretObject(name: string, namespace: string, type: SecretType, data: { pairs: Record<string, string>; registry: Registry; tls: TlsPair }): KObject {
  const stringData =
    type === "kubernetes.io/dockerconfigjson"
      ? { ".dockerconfigjson": dockerConfigJson(data.registry) }
      : type === "kubernetes.io/tls"
        ? { "tls.crt": data.tls.crt, "tls.key": data.tls.key }
        : data.pairs;
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type, stringData };
}

// --- PersistentVolumeClaims ---

// PersistentVolumeAccessMode and PersistentVolumeMode of core/v1 (ReadWriteOncePod from 1.22:
// an older member refuses it in the dry run, under the access modes).
export const ACCESS_MODES = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"];
export const VOLUME_MODES = ["Filesystem", "Block"];

export type PvcFields = { storage: string; accessModes: string[]; storageClass: string; volumeMode: string };

/** A PVC asking for `storage`; no storage class is the cluster's default one. */
export function pvcObject(name: string, namespace: string, f: PvcFields): KObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace },
    spec: {
      accessModes: f.accessModes,
      resources: { requests: { storage: f.storage.trim() } },
      ...(f.storageClass.trim() ? { storageClassName: f.storageClass.trim() } : {}),
      volumeMode: f.volumeMode,
    },
  };
}

// --- Ingresses ---

// HTTPIngressPath's pathType (networking/v1).
export const PATH_TYPES = ["Prefix", "Exact", "ImplementationSpecific"];

export type IngressRule = { host: string; path: string; pathType: string; service: string; port: string };
export type IngressFields = { className: string; rules: IngressRule[]; tlsHosts: string; tlsSecret: string };

/** A backend port: a number, or the name of the Service's port (ServiceBackendPort). */
const portOf = (s: string) => (/^\d+$/.test(s.trim()) ? { number: Number(s.trim()) } : { name: s.trim() });

/** An Ingress with one rule per row (a host left empty matches every host), and a TLS entry when hosts or a Secret are given. */
export function ingressObject(name: string, namespace: string, f: IngressFields): KObject {
  const hosts = f.tlsHosts.split(",").map((h) => h.trim()).filter(Boolean);
  const secretName = f.tlsSecret.trim();
  const rules = f.rules.map((r) => ({
    ...(r.host.trim() ? { host: r.host.trim() } : {}),
    http: { paths: [{ path: r.path.trim(), pathType: r.pathType, backend: { service: { name: r.service, port: portOf(r.port) } } }] },
  }));
  const tls = hosts.length || secretName ? [{ ...(hosts.length ? { hosts } : {}), ...(secretName ? { secretName } : {}) }] : undefined;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace },
    spec: { ...(f.className.trim() ? { ingressClassName: f.className.trim() } : {}), rules, ...(tls ? { tls } : {}) },
  };
}
