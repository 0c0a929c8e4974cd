// Encryption at rest, in the manner of kube-apiserver's EncryptionConfiguration
// (--encryption-provider-config). The configuration lists providers in order:
// the first one encrypts every new write, and every one of them is tried on
// read, chosen by the prefix of the stored value. Two providers exist here:
//
//   aesgcm    AES-256-GCM. A stored value is `k8s:enc:aesgcm:v1:<key name>:`
//             followed by base64(nonce ‖ ciphertext ‖ tag): 12 random nonce
//             bytes and a 16-byte tag. Kubernetes stores those bytes raw in
//             etcd; our log column is TEXT, hence base64. The storage key is
//             the additional authenticated data (as in Kubernetes), so a value
//             copied under another key does not decrypt.
//   identity  plaintext, so data written before encryption was turned on
//             stays readable (list it last).
//
// With several aesgcm keys the first encrypts and all decrypt: rotation is
// adding a new key first, restarting, then rewriting the objects (an update,
// or `kubectl get secrets -A -o json | kubectl replace -f -`: a value read
// through any provider but the first is stale, and its rewrite is never
// skipped as a no-op).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** Encrypts and decrypts the values of one storage key space. */
export type ValueTransformer = {
  /** The value to store for plaintext under key. */
  toStorage(key: string, plaintext: string): string;
  /** The plaintext of a stored value; stale when it was not written by the first provider. */
  fromStorage(key: string, stored: string): { plaintext: string; stale: boolean };
};

type Provider =
  | { kind: "aesgcm"; name: string; key: Buffer; prefix: string }
  | { kind: "identity" };

const AESGCM_PREFIX = "k8s:enc:aesgcm:v1:";
const ENC_PREFIX = "k8s:enc:";
const NONCE = 12;
const TAG = 16;

export class EncryptionError extends Error {}

export class ProviderTransformer implements ValueTransformer {
  private readonly providers: Provider[];

  constructor(providers: Provider[]) {
    if (providers.length === 0) throw new EncryptionError("no encryption providers");
    this.providers = providers;
  }

  toStorage(key: string, plaintext: string): string {
    const p = this.providers[0];
    if (p.kind === "identity") return plaintext;
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv("aes-256-gcm", p.key, nonce);
    cipher.setAAD(Buffer.from(key));
    const body = Buffer.concat([nonce, cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return p.prefix + body.toString("base64");
  }

  fromStorage(key: string, stored: string): { plaintext: string; stale: boolean } {
    if (!stored.startsWith(ENC_PREFIX)) {
      const i = this.providers.findIndex((p) => p.kind === "identity");
      if (i < 0) throw new EncryptionError(`value of ${key} is not encrypted and no identity provider is configured`);
      return { plaintext: stored, stale: i !== 0 };
    }
    for (let i = 0; i < this.providers.length; i++) {
      const p = this.providers[i];
      if (p.kind !== "aesgcm" || !stored.startsWith(p.prefix)) continue;
      const body = Buffer.from(stored.slice(p.prefix.length), "base64");
      if (body.length < NONCE + TAG) throw new EncryptionError(`value of ${key} is too short to decrypt`);
      const decipher = createDecipheriv("aes-256-gcm", p.key, body.subarray(0, NONCE));
      decipher.setAAD(Buffer.from(key));
      decipher.setAuthTag(body.subarray(body.length - TAG));
      try {
        const plain = Buffer.concat([decipher.update(body.subarray(NONCE, body.length - TAG)), decipher.final()]);
        return { plaintext: plain.toString("utf8"), stale: i !== 0 };
      } catch {
        throw new EncryptionError(`value of ${key} failed authentication with key ${p.name}`);
      }
    }
    throw new EncryptionError(`no configured key decrypts the value of ${key}`);
  }
}

/** The subset of apiserver.config.k8s.io/v1 EncryptionConfiguration we read. */
export type EncryptionConfiguration = {
  apiVersion: "apiserver.config.k8s.io/v1";
  kind: "EncryptionConfiguration";
  resources: {
    resources: string[];
    providers: ({ aesgcm: { keys: { name: string; secret: string }[] } } | { identity: Record<string, never> })[];
  }[];
};

/** A new configuration: one fresh 32-byte aesgcm key for secrets, identity to read older plaintext. */
export function newEncryptionConfiguration(keyName = "key1"): EncryptionConfiguration {
  return {
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "EncryptionConfiguration",
    resources: [
      {
        resources: ["secrets"],
        providers: [
          { aesgcm: { keys: [{ name: keyName, secret: randomBytes(32).toString("base64") }] } },
          { identity: {} },
        ],
      },
    ],
  };
}

/** The transformer for secrets that a configuration describes. */
export function secretsTransformer(config: EncryptionConfiguration): ProviderTransformer {
  if (config?.kind !== "EncryptionConfiguration") throw new EncryptionError("not an EncryptionConfiguration");
  const entry = (config.resources ?? []).find((r) => r.resources?.some((x) => x === "secrets" || x === "secrets."));
  if (!entry) throw new EncryptionError("the EncryptionConfiguration has no entry for secrets");
  const providers: Provider[] = [];
  for (const p of entry.providers ?? []) {
    if ("identity" in p) {
      providers.push({ kind: "identity" });
    } else if ("aesgcm" in p) {
      for (const k of p.aesgcm.keys ?? []) {
        if (!/^[^:]+$/.test(k.name ?? "")) throw new EncryptionError(`invalid aesgcm key name "${k.name}"`);
        const key = Buffer.from(k.secret ?? "", "base64");
        if (key.length !== 32) throw new EncryptionError(`aesgcm key ${k.name} must be 32 bytes (base64), for AES-256`);
        providers.push({ kind: "aesgcm", name: k.name, key, prefix: `${AESGCM_PREFIX}${k.name}:` });
      }
    } else {
      throw new EncryptionError(`unsupported encryption provider ${Object.keys(p).join(", ")} (supported: aesgcm, identity)`);
    }
  }
  return new ProviderTransformer(providers);
}

/**
 * Reads the configuration at path, or writes a new one there (mode 0600)
 * when there is none. The file's mode is forced to 0600 either way.
 */
export async function loadOrCreateEncryptionConfig(path: string): Promise<EncryptionConfiguration> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    const config = newEncryptionConfiguration();
    // "wx": two servers starting on one fresh dir must not both write a key.
    await writeFile(path, stringify(config), { mode: 0o600, flag: "wx" });
    return config;
  }
  await chmod(path, 0o600);
  return parse(text) as EncryptionConfiguration;
}

export const ENCRYPTION_CONFIG_FILE = "encryption-config.yaml";

/**
 * The secrets transformer of a server: from DIR/encryption-config.yaml
 * (created with a fresh key on first start), or with a key of its own that
 * lives only as long as the process when there is no data dir.
 */
export async function secretsEncryption(dataDir: string | undefined): Promise<ProviderTransformer> {
  const config = dataDir
    ? await loadOrCreateEncryptionConfig(join(dataDir, ENCRYPTION_CONFIG_FILE))
    : newEncryptionConfiguration();
  return secretsTransformer(config);
}
