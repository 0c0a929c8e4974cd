// The part of spdy-transport (no published types) the simulated kubelet uses.
declare module "spdy-transport" {
  import type { EventEmitter } from "node:events";
  import type { Duplex } from "node:stream";

  export interface SpdyStream extends Duplex {
    id: number;
    _spdyState: { window: { send: WindowSide } };
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
    _spdyState: {
      parser: { parseKVs(buf: unknown, cb: (err: Error | null, headers: Record<string, string>) => void): void };
      /** Connection-level flow control (SPDY/3.1); send is what the peer lets us send. */
      window: { send: WindowSide };
    };
  }

  /** One direction of a flow-control window. */
  export interface WindowSide extends EventEmitter {
    getMax(): number;
    getCurrent(): number;
    update(delta: number): void;
    updateMax(max: number): void;
    /** "drain": the window fell to half its size or below. */
    on(event: "drain", fn: () => void): this;
  }

  const transport: {
    connection: { create(socket: Duplex, options: { protocol: "spdy" | "http2"; isServer: boolean; windowSize?: number }): SpdyConnection };
  };
  export default transport;
}
