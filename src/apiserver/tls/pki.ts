// The server's PKI: a CA, a serving certificate and client certificates, all
// ECDSA P-256 (fast to generate; Go's TLS and kubectl accept it). Generated once
// into the data dir and reused on restart. Node's crypto cannot build X.509
// certificates, so @peculiar/x509 does the encoding over WebCrypto.
import { webcrypto } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
// @peculiar/x509 uses tsyringe, which needs the reflect-metadata polyfill loaded first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as any);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const TEN_YEARS = 10 * 365 * 24 * 3600 * 1000;

export type KeyPairPem = { cert: string; key: string };

export type Pki = {
  ca: KeyPairPem;
  server: KeyPairPem;
  /**
   * kubeadm's front-proxy PKI: a CA of its own and the client certificate
   * (CN front-proxy-client) that an authenticating proxy in front of the
   * server, and the server itself toward aggregated API servers, present
   * with X-Remote-* headers (requestHeader.ts).
   */
  frontProxy: { ca: KeyPairPem; client: KeyPairPem };
  /** Issue a client certificate: CN is the user, O entries are the groups. */
  issueClient(user: string, groups: string[]): Promise<KeyPairPem>;
};

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key as webcrypto.CryptoKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return (await webcrypto.subtle.importKey("pkcs8", der, ALG, true, ["sign"])) ;
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) ;
}

function escapeRdn(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, "\\$1");
}

async function issue(
  ca: { cert: x509.X509Certificate; key: webcrypto.CryptoKey },
  subject: string,
  extensions: x509.Extension[],
): Promise<KeyPairPem> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + TEN_YEARS),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
      ...extensions,
    ],
  });
  return { cert: cert.toString("pem"), key: await exportKey(keys.privateKey) };
}

async function createCa(name = "kpanda-ca"): Promise<KeyPairPem> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${escapeRdn(name)}`,
    keys,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + TEN_YEARS),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await exportKey(keys.privateKey) };
}

async function readPair(dir: string, name: string): Promise<KeyPairPem | undefined> {
  try {
    return {
      cert: await readFile(join(dir, `${name}.crt`), "utf8"),
      key: await readFile(join(dir, `${name}.key`), "utf8"),
    };
  } catch {
    return undefined;
  }
}

async function writePair(dir: string, name: string, pair: KeyPairPem): Promise<void> {
  await writeFile(join(dir, `${name}.crt`), pair.cert);
  await writeFile(join(dir, `${name}.key`), pair.key, { mode: 0o600 });
  await chmod(join(dir, `${name}.key`), 0o600);
}

/**
 * Loads the PKI from dir/pki, creating what is missing. `hosts` are the serving
 * certificate's names (IP addresses or DNS names). With no dir, everything
 * lives in memory only.
 */
export async function loadPki(dir: string | undefined, hosts: string[]): Promise<Pki> {
  const pkiDir = dir ? join(dir, "pki") : undefined;
  if (pkiDir) await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  let ca = pkiDir ? await readPair(pkiDir, "ca") : undefined;
  if (!ca) {
    ca = await createCa();
    if (pkiDir) await writePair(pkiDir, "ca", ca);
  }
  const caSigner = { cert: new x509.X509Certificate(ca.cert), key: await importKey(ca.key) };
  const names = [...new Set(["127.0.0.1", "::1", "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", ...hosts])];
  let server = pkiDir ? await readPair(pkiDir, "apiserver") : undefined;
  if (!server || !coversHosts(server.cert, names)) {
    server = await issueServing(caSigner, "kube-apiserver", names);
    if (pkiDir) await writePair(pkiDir, "apiserver", server);
  }
  return {
    ca,
    server,
    frontProxy: await loadFrontProxy(pkiDir),
    issueClient: (user, groups) => issueClient(caSigner, user, groups),
  };
}

type Signer = { cert: x509.X509Certificate; key: webcrypto.CryptoKey };

async function signer(ca: KeyPairPem): Promise<Signer> {
  return { cert: new x509.X509Certificate(ca.cert), key: await importKey(ca.key) };
}

function issueServing(ca: Signer, cn: string, names: string[]): Promise<KeyPairPem> {
  return issue(ca, `CN=${escapeRdn(cn)}`, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(
      names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: "ip" as const, value: n } : { type: "dns" as const, value: n })),
    ),
  ]);
}

/** A new self-signed CA (for servers beside the API server: a metrics server, a test's front proxy). */
export function createAuthority(name: string): Promise<KeyPairPem> {
  return createCa(name);
}

/** A client certificate from any CA: CN is the user, O entries the groups. */
export async function issueClientCert(ca: KeyPairPem, user: string, groups: string[] = []): Promise<KeyPairPem> {
  return issueClient(await signer(ca), user, groups);
}

/** A serving certificate from any CA for these names (IP addresses or DNS names). */
export async function issueServingCert(ca: KeyPairPem, cn: string, names: string[]): Promise<KeyPairPem> {
  return issueServing(await signer(ca), cn, names);
}

function issueClient(ca: Signer, user: string, groups: string[]): Promise<KeyPairPem> {
  return issue(ca, [...groups.map((g) => `O=${escapeRdn(g)}`), `CN=${escapeRdn(user)}`].join(", "), [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ]);
}

let inMemoryFrontProxy: Promise<{ ca: KeyPairPem; client: KeyPairPem }> | undefined;

/**
 * front-proxy-ca and front-proxy-client, as kubeadm names them
 * (dir/pki/front-proxy-*). Servers without a data dir (tests, simulated
 * clusters) share one pair per process: nobody outside the process holds
 * it, and making a CA costs each cluster start more than the rest of its PKI.
 */
function loadFrontProxy(pkiDir: string | undefined): Promise<{ ca: KeyPairPem; client: KeyPairPem }> {
  if (pkiDir) return frontProxyIn(pkiDir);
  inMemoryFrontProxy ??= frontProxyIn(undefined);
  return inMemoryFrontProxy;
}

async function frontProxyIn(pkiDir: string | undefined): Promise<{ ca: KeyPairPem; client: KeyPairPem }> {
  let ca = pkiDir ? await readPair(pkiDir, "front-proxy-ca") : undefined;
  let client = pkiDir ? await readPair(pkiDir, "front-proxy-client") : undefined;
  if (ca && client) return { ca, client };
  ca ??= await createCa("front-proxy-ca");
  client = await issueClient(await signer(ca), "front-proxy-client", []);
  if (pkiDir) {
    await writePair(pkiDir, "front-proxy-ca", ca);
    await writePair(pkiDir, "front-proxy-client", client);
  }
  return { ca, client };
}

function coversHosts(pem: string, names: string[]): boolean {
  const san = new x509.X509Certificate(pem).getExtension(x509.SubjectAlternativeNameExtension);
  const have = new Set((san?.names.items ?? []).map((n) => n.value));
  return names.every((n) => have.has(n));
}
