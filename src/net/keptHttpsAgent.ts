// An https.Agent whose kept-alive connections do not keep their first
// request alive. Node's https.Agent#createConnection (v24) listens for the
// socket's 'session' event with a closure that shares its scope with the
// agent's oncreate callback, which holds the request that dialed the
// socket: a kept connection retained that request, its response, its
// listeners and whatever they close over (a list page of 500 pods and its
// body's buffers) for as long as the connection lived. A heap snapshot of
// the search sync showed one such page per member connection. Here the
// callback is handed over through a slot that is cleared as soon as the
// socket exists, so the closure keeps nothing of the request.
import type { RequestOptions } from "node:http";
import { Agent } from "node:https";
import type { Duplex } from "node:stream";

type OnCreate = (err: Error | null, socket: Duplex) => void;

export class KeptHttpsAgent extends Agent {
  override createConnection(options: RequestOptions, onCreate?: OnCreate): Duplex | null | undefined {
    let pending = onCreate;
    const socket = super.createConnection(options, (err, s) => {
      const cb = pending;
      pending = undefined;
      cb?.(err, s);
    });
    // A socket returned at once is taken by the agent itself (it calls its oncreate with it).
    if (socket) pending = undefined;
    return socket;
  }
}
