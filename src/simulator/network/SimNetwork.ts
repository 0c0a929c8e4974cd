// A simulated cluster's network, in memory: the dialer its API server gets
// as `egressDial` (kube-apiserver's egress selector for "cluster" traffic).
// Whoever serves inside the cluster (the kubelets on their nodes' addresses,
// containers on their pods' IPs, an aggregated API server's endpoint) adds a
// resolver; a dial asks them in order and hands the first taker the server
// end of a `stream.duplexPair()`. Nobody listening is ECONNREFUSED, as a TCP
// dial to a closed port or an unreachable simulated host would be.
import { type Duplex, duplexPair } from "node:stream";

/** Takes the server end of one new connection. */
export type Accept = (socket: Duplex) => void;

/** Who listens at host:port, if anyone. Must answer quickly: it runs on every dial. */
export type Resolver = (host: string, port: number) => Accept | undefined;

/** The error a dial to a closed port fails with, shaped like Node's net error. */
export function connectionRefused(host: string, port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${host}:${port}`), { code: "ECONNREFUSED", errno: -111, syscall: "connect", address: host, port });
}

export class SimNetwork {
  private readonly resolvers: Resolver[] = [];

  /** Adds a resolver; the function returned removes it. */
  addResolver(r: Resolver): () => void {
    this.resolvers.push(r);
    return () => {
      const at = this.resolvers.indexOf(r);
      if (at >= 0) this.resolvers.splice(at, 1);
    };
  }

  /** Listens on exactly host:port; the function returned stops. */
  listen(host: string, port: number, accept: Accept): () => void {
    return this.addResolver((h, p) => (h === host && p === port ? accept : undefined));
  }

  /** Opens a connection, or throws ECONNREFUSED; the client end is returned at once. */
  connect(host: string, port: number): Duplex {
    const h = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
    for (const r of this.resolvers) {
      const accept = r(h, port);
      if (!accept) continue;
      const [client, server] = duplexPair();
      // A client that goes away resets the server's end, so a server
      // streaming to it (logs -f) learns of it. Not the other way round: the
      // client end must still read what the server wrote before it closed
      // (an exec's output and status), and duplexPair ends it after that.
      client.once("close", () => server.destroy());
      accept(server);
      return client;
    }
    throw connectionRefused(h, port);
  }

  /** The API server's egressDial: connect() as a promise that rejects with ECONNREFUSED. */
  readonly dial = async (host: string, port: number): Promise<Duplex> => this.connect(host, port);
}
