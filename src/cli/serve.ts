// `kpanda serve`: the platform until SIGINT/SIGTERM, which drain open
// requests and stop cleanly. A bad flag or file is one line and exit code 2.
import { existsSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { ConfigError, parseServeArgs, SERVE_USAGE } from "../platform/config.ts";
import { ADMIN_PASSWORD_FILE, startPlatform } from "../platform/platform.ts";
import { PKI_DIR } from "../platform/tls.ts";

export async function serveCommand(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof parseServeArgs>;
  try {
    opts = parseServeArgs(argv);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`kpanda serve: ${e.message}\n`);
    return 2;
  }
  if (opts === "help") {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const logger = pino({ level: opts.logLevel });
  const platform = await startPlatform({ ...opts, logger });
  process.stdout.write(`kpanda is serving on ${platform.url}\n`);
  process.stdout.write(`  the console: ${platform.url}/\n`);
  process.stdout.write(`  REST API and its interactive docs: ${platform.url}/docs\n`);
  const passwordFile = join(opts.dataDir, ADMIN_PASSWORD_FILE);
  if (existsSync(passwordFile)) process.stdout.write(`  log in as admin; the initial password is in ${passwordFile}\n`);
  if (platform.caCert && !opts.tlsCertFile) {
    process.stdout.write(`  its certificate is signed by kpanda's own CA, ${join(opts.dataDir, PKI_DIR, "ca.crt")}: downloaded kubeconfigs carry it; browsers warn until you trust it\n`);
  }
  if (opts.demo) process.stdout.write("  demo clusters: dev, staging and prod\n");
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  logger.info("stopping: draining requests");
  await platform.close();
  return 0;
}
