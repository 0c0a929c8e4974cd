// `kpanda apiserver`: serve the Kubernetes API until SIGINT/SIGTERM.
import { mkdir } from "node:fs/promises";
import { parseArgs } from "node:util";
import pino from "pino";
import { startApiServer } from "../apiserver/server.ts";

const USAGE = `Usage: kpanda apiserver [flags]

Runs a Kubernetes-compatible API server over HTTPS. Once it serves, it writes
an admin kubeconfig (client certificate in group system:masters, and the CA it
generated) to DIR/kubeconfig, so kubectl works with KUBECONFIG=DIR/kubeconfig.

Flags:
  --listen HOST:PORT     address to serve on (default 127.0.0.1:6443; port 0 picks a free one)
  --data-dir DIR         where the CA, certificates, kubeconfig, state and keys live (default ./data/apiserver)
  --storage KIND         sqlite: durable, in DIR/state.db (the default); or memory: lost on exit.
                         Secrets are encrypted at rest (AES-256-GCM) with the keys of
                         DIR/encryption-config.yaml, an EncryptionConfiguration made on first start
  --watch-history N      events kept for watches before compaction (default 100000)
  --event-ttl SECONDS    how long Events are kept after their last activity (default 3600)
  --token-auth-file FILE bearer tokens as kube-apiserver's CSV: token,user,uid,"group1,group2"
                         (client certificates and ServiceAccount tokens are accepted as well)
  --log-level LEVEL      pino level: fatal, error, warn, info, debug (default info)
  -h, --help             show this help
`;

export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  if (!m) throw new Error(`--listen must be HOST:PORT, got "${s}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`--listen port out of range: ${port}`);
  return { host: m[1] ?? m[2] ?? "127.0.0.1", port };
}

export async function apiserverCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        listen: { type: "string", default: "127.0.0.1:6443" },
        "data-dir": { type: "string", default: "data/apiserver" },
        storage: { type: "string", default: "sqlite" },
        "watch-history": { type: "string" },
        "event-ttl": { type: "string" },
        "token-auth-file": { type: "string" },
        "log-level": { type: "string", default: "info" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`kpanda apiserver: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const storage = values.storage;
  if (storage !== "memory" && storage !== "sqlite") {
    process.stderr.write(`kpanda apiserver: unsupported --storage "${storage}" (supported: memory, sqlite)\n`);
    return 2;
  }
  let listen: { host: string; port: number };
  try {
    listen = parseListen(String(values.listen));
  } catch (e) {
    process.stderr.write(`kpanda apiserver: ${(e as Error).message}\n`);
    return 2;
  }
  const dataDir = String(values["data-dir"]);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const logger = pino({ level: String(values["log-level"]) });
  const history = values["watch-history"] ? Number(values["watch-history"]) : undefined;
  const tokenAuthFile = values["token-auth-file"] ? String(values["token-auth-file"]) : undefined;
  const eventTTLSeconds = values["event-ttl"] ? Number(values["event-ttl"]) : undefined;
  if (eventTTLSeconds !== undefined && !(eventTTLSeconds > 0)) {
    process.stderr.write(`kpanda apiserver: --event-ttl must be a positive number of seconds\n`);
    return 2;
  }
  const server = await startApiServer({ ...listen, dataDir, logger, historySize: history, storage, tokenAuthFile, eventTTLSeconds });
  logger.info({ url: server.url, kubeconfig: `${dataDir}/kubeconfig` }, "kpanda apiserver ready");
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return 0;
}
