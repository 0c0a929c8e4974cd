// `kpanda serve` configuration, validated once at start. Nothing below the
// entry point reads process.env or argv.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseGoDuration } from "../cron/cron.ts";

export type ServeOptions = {
  host: string;
  port: number;
  dataDir: string;
  hostKubeconfig?: string;
  demo: boolean;
  logLevel: string;
  /** Serve with this certificate and key instead of the one kpanda generates in DIR/pki. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Extra names of the generated serving certificate. */
  tlsSans: string[];
  /** The search index: a postgres:// URL shared by replicas, or a SQLite file (default DIR/search/index.db). */
  searchDb?: string;
  /** How long kpanda keeps the Events it caches after members delete them (ms; default 7 days). */
  eventRetentionMs?: number;
};

export class ConfigError extends Error {}

export const SERVE_USAGE = `Usage: kpanda serve [flags]

Runs kpanda: the REST API, the console, the Kubernetes proxy and the
controllers, with its state in a host cluster.

Flags:
  --listen HOST:PORT        address to serve HTTPS on (default 127.0.0.1:8080; port 0 picks a free one)
  --data-dir DIR            the embedded host's data, the audit log, the initial admin password (default ./data/kpanda)
  --host-kubeconfig FILE    keep state in this real cluster instead of the embedded host
  --demo                    also run simulated clusters dev, staging and prod, already integrated
  --search-db DB            the multi-cluster search index: postgres://… (shared by replicas) or a SQLite
                            file (default DIR/search/index.db, one per replica)
  --event-retention DURATION  how long kpanda keeps cached Events after members delete them (an hour
                            after their last change), for workload timelines (default 168h: 7 days)
  --tls-cert-file FILE      serve with this certificate (PEM, the chain after it) instead of the one kpanda
                            generates in DIR/pki (a CA, DIR/pki/ca.crt, and a certificate it signs)
  --tls-private-key-file FILE  the certificate's private key (PEM)
  --tls-san NAME[,NAME]     more DNS names or IP addresses for the generated certificate (repeatable)
  --log-level LEVEL         pino level: fatal, error, warn, info, debug (default info)
  -h, --help                show this help
`;

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

export function parseServeArgs(argv: string[]): ServeOptions | "help" {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        listen: { type: "string" },
        "data-dir": { type: "string" },
        "host-kubeconfig": { type: "string" },
        demo: { type: "boolean" },
        "search-db": { type: "string" },
        "event-retention": { type: "string" },
        "log-level": { type: "string" },
        "tls-cert-file": { type: "string" },
        "tls-private-key-file": { type: "string" },
        "tls-san": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (values.help) return "help";
  const [host, port] = parseListen((values.listen as string | undefined) ?? "127.0.0.1:8080");
  const logLevel = (values["log-level"] as string | undefined) ?? "info";
  if (!LEVELS.has(logLevel)) throw new ConfigError(`--log-level: unknown level "${logLevel}"`);
  const hostKubeconfig = values["host-kubeconfig"] as string | undefined;
  if (hostKubeconfig !== undefined) checkKubeconfigFile(hostKubeconfig);
  return {
    host,
    port,
    dataDir: resolve((values["data-dir"] as string | undefined) ?? "data/kpanda"),
    hostKubeconfig: hostKubeconfig && resolve(hostKubeconfig),
    demo: !!values.demo,
    logLevel,
    ...tlsOptions(values["tls-cert-file"] as string | undefined, values["tls-private-key-file"] as string | undefined, values["tls-san"] as string[] | undefined),
    searchDb: searchDbOf(values["search-db"] as string | undefined),
    eventRetentionMs: retentionOf(values["event-retention"] as string | undefined),
  };
}

/** A Go duration of at least an hour (members keep Events that long themselves). */
function retentionOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseGoDuration(v);
  if (ms === undefined) throw new ConfigError(`--event-retention: "${v}" is not a duration such as 168h or 90m`);
  if (ms < 3600_000) throw new ConfigError(`--event-retention: ${v} is shorter than the hour members keep Events themselves`);
  return ms;
}

function searchDbOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (/^postgres(ql)?:\/\//.test(v)) {
    try {
      new URL(v);
    } catch {
      throw new ConfigError(`--search-db: "${v}" is not a valid URL`);
    }
    return v;
  }
  if (v === "" || /^[a-z]+:\/\//i.test(v)) throw new ConfigError(`--search-db: use a postgres:// URL or a file path, not "${v}"`);
  return resolve(v);
}

/** The TLS flags, checked: both files or neither, a PEM certificate and its own key, not expired; names well formed. */
function tlsOptions(certFile: string | undefined, keyFile: string | undefined, sans: string[] = []): Pick<ServeOptions, "tlsCertFile" | "tlsKeyFile" | "tlsSans"> {
  const names = sans.flatMap((s) => s.split(",")).map((s) => s.trim());
  for (const n of names) {
    // A DNS name as RFC 1123 subdomains are (kube's IsDNS1123Subdomain, lower case), or an IP address.
    if (!isIP(n) && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(n)) {
      throw new ConfigError(`--tls-san: "${n}" is neither a DNS name nor an IP address`);
    }
  }
  if (certFile === undefined && keyFile === undefined) return { tlsSans: names };
  if (certFile === undefined || keyFile === undefined) throw new ConfigError("--tls-cert-file and --tls-private-key-file go together");
  if (names.length) throw new ConfigError("--tls-san names the certificate kpanda generates; it does not apply with --tls-cert-file");
  const cert = pemFile("--tls-cert-file", certFile, (text) => new X509Certificate(text), "a PEM certificate");
  const key = pemFile("--tls-private-key-file", keyFile, (text) => createPrivateKey(text), "a PEM private key");
  if (!cert.checkPrivateKey(key)) throw new ConfigError(`--tls-private-key-file: ${keyFile} is not the key of the certificate in ${certFile}`);
  if (Date.parse(cert.validTo) <= Date.now()) throw new ConfigError(`--tls-cert-file: the certificate in ${certFile} expired on ${cert.validTo}`);
  return { tlsCertFile: resolve(certFile), tlsKeyFile: resolve(keyFile), tlsSans: [] };
}

function pemFile<T>(flag: string, path: string, parse: (text: string) => T, what: string): T {
  if (!existsSync(path) || !statSync(path).isFile()) throw new ConfigError(`${flag}: no such file: ${path}`);
  try {
    return parse(readFileSync(path, "utf8"));
  } catch {
    throw new ConfigError(`${flag}: ${path} does not hold ${what}`);
  }
}

export function parseListen(s: string): [string, number] {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new ConfigError(`--listen: "${s}" is not HOST:PORT`);
  return [m[1].replace(/^\[|\]$/g, ""), port];
}

function checkKubeconfigFile(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new ConfigError(`--host-kubeconfig: no such file: ${path}`);
  const text = readFileSync(path, "utf8");
  if (!/\bclusters\s*:/.test(text) || !/\bcurrent-context\s*:/.test(text)) {
    throw new ConfigError(`--host-kubeconfig: ${path} is not a kubeconfig (no clusters or current-context)`);
  }
}
