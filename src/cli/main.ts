// bin/kpanda: the one entry point. Each sub-command parses its own flags.
import { apiserverCommand } from "./apiserver.ts";
import { serveCommand } from "./serve.ts";
import { simCommand } from "./sim.ts";

const USAGE = `kpanda: one console and one API for many Kubernetes clusters

Usage: kpanda <command> [flags]

Commands:
  serve       Run kpanda: the REST API, console and Kubernetes proxy over many clusters
  apiserver   Run a Kubernetes-compatible API server (kpanda's embedded host cluster)
  sim         Run simulated clusters in one process; inject faults into them

Run 'kpanda <command> --help' for a command's flags.
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(USAGE);
      return cmd === undefined ? 2 : 0;
    case "apiserver":
      return apiserverCommand(rest);
    case "serve":
      return serveCommand(rest);
    case "sim":
      return simCommand(rest);
    default:
      process.stderr.write(`kpanda: unknown command "${cmd}"\n\n${USAGE}`);
      return 2;
  }
}
