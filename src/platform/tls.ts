// kpanda's serving certificate. By default kpanda makes its own PKI in
// DIR/pki on first start (a CA, ca.crt/ca.key, and a serving certificate
// signed by it, serving.crt/serving.key, for the listen address, localhost,
// 127.0.0.1, ::1 and any --tls-san names) and reuses it on restart; a
// serving certificate that no longer covers every name is issued again from
// the same CA, so kubeconfigs already downloaded keep trusting kpanda. Or the
// user gives a certificate and key (--tls-cert-file, --tls-private-key-file).
// The certificate encoding is the apiserver's PKI utility (pki.ts), the one
// module of src/apiserver the platform uses beside the host's start function.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { createAuthority, issueServingCert, type KeyPairPem } from "../apiserver/tls/pki.ts";

/** What startPlatform serves with: a certificate and key (and the CA that signed them, if known), generated, or plain HTTP. */
export type TlsOption = { cert: string; key: string; ca?: string } | "generate" | false;

/** The certificate kpanda serves and, when kpanda made it (or was told), the CA PEM that clients should trust. */
export type ServingTls = { cert: string; key: string; ca?: string };

export type ServingTlsOptions = {
  dataDir: string;
  /** The listen host. */
  host?: string;
  tls?: TlsOption;
  /** A certificate and key file given on the command line (checked by config.ts). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Extra names (DNS names or IP addresses) for the generated certificate. */
  tlsSans?: string[];
};

export const PKI_DIR = "pki";

/** The TLS material to serve with, or undefined for plain HTTP (tls: false). */
export async function servingTls(opts: ServingTlsOptions, log: Logger): Promise<ServingTls | undefined> {
  const tls = opts.tls ?? (opts.tlsCertFile ? fromFiles(opts.tlsCertFile, opts.tlsKeyFile) : "generate");
  if (tls === false) return undefined;
  if (tls !== "generate") return tls;
  return generatedTls(join(opts.dataDir, PKI_DIR), servingNames(opts.host, opts.tlsSans), log);
}

function fromFiles(certFile: string, keyFile: string | undefined): ServingTls {
  if (!keyFile) throw new Error("a TLS certificate file needs its private key file");
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}

/** The generated certificate's names: the listen host, loopback, and the extra names. */
export function servingNames(host: string | undefined, extra: string[] = []): string[] {
  const names = ["localhost", "127.0.0.1", "::1"];
  if (host && !isUnspecified(host)) names.push(host);
  else if (host) {
    // Listening on every address: name this machine and its addresses, as clients elsewhere will dial them.
    names.push(hostname());
    for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (!a.internal) names.push(a.address.replace(/%.*$/, ""));
  }
  return [...new Set([...names, ...extra])];
}

function isUnspecified(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

/**
 * DIR/pki's CA and serving certificate, made when missing; the serving
 * certificate is issued again when it does not cover `names`, does not chain
 * to the CA, or expires within 30 days.
 */
async function generatedTls(dir: string, names: string[], log: Logger): Promise<ServingTls> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let ca = await readPair(dir, "ca");
  if (!ca) {
    ca = await createAuthority("kpanda-ca");
    await writePair(dir, "ca", ca);
    log.info({ file: join(dir, "ca.crt") }, "created kpanda's certificate authority");
  }
  let serving = await readPair(dir, "serving");
  if (!serving || !usable(serving.cert, ca.cert, names)) {
    serving = await issueServingCert(ca, "kpanda", names);
    await writePair(dir, "serving", serving);
    log.info({ file: join(dir, "serving.crt"), names }, "issued kpanda's serving certificate");
  }
  return { cert: serving.cert, key: serving.key, ca: ca.cert };
}

const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function usable(certPem: string, caPem: string, names: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    return names.every((n) => (isIP(n) ? cert.checkIP(n) : cert.checkHost(n, { wildcards: false })) !== undefined);
  } catch {
    return false;
  }
}

async function readPair(dir: string, name: string): Promise<KeyPairPem | undefined> {
  try {
    const pair = { cert: await readFile(join(dir, `${name}.crt`), "utf8"), key: await readFile(join(dir, `${name}.key`), "utf8") };
    // A pair that does not parse, or whose key is not the certificate's, is made again.
    if (!new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key))) return undefined;
    return pair;
  } catch {
    return undefined;
  }
}

/** Writes the key first (mode 0600), then the certificate, each through a rename so a crash leaves no half file. */
async function writePair(dir: string, name: string, pair: KeyPairPem): Promise<void> {
  for (const [file, text, mode] of [
    [`${name}.key`, pair.key, 0o600],
    [`${name}.crt`, pair.cert, 0o644],
  ] as const) {
    const tmp = join(dir, `.${file}.tmp`);
    await writeFile(tmp, text, { mode });
    await chmod(tmp, mode);
    await rename(tmp, join(dir, file));
  }
}
