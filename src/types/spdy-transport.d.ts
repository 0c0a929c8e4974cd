// The part of spdy-transport (no published types) the simulated kubelet uses.
declare module "spdy-transport" {
  import type { EventEmitter } from "node:events";
  import type { Duplex } from "node:stream";

  export interface SpdyStream extends Duplex {
    id: number;
    headers: Record<string, string>;
    respond(status: number, headers: Record<string, string>, callback?: (err?: Error) => void): void;
    abort(callback?: () => void): void;
  }

  export interface SpdyConnection extends EventEmitter {
    start(version: number): void;
    end(callback?: () => void): void;
    destroyStreams(err?: Error): void;
    on(event: "stream", fn: (stream: SpdyStream) => void): this;
    on(event: "error" | "close", fn: (err?: Error) => void): this;
    _spdyState: { parser: { parseKVs(buf: unknown, cb: (err: Error | null, headers: Record<string, string>) => void): void } };
  }

  const transport: {
    connection: { create(socket: Duplex, options: { protocol: "spdy" | "http2"; isServer: boolean; windowSize?: number }): SpdyConnection };
  };
  export default transport;
}
