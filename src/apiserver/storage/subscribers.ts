// Watch fan-out shared by every driver: subscribers by key prefix, delivery
// in revision order (an event written by a handler while another is being
// delivered queues behind it), and a throwing subscriber is dropped without
// failing the write that caused the event.
import type { StorageEvent, Watcher } from "./interface.ts";

type Sub = { prefix: string; onEvent: (e: StorageEvent) => void; onClose?: () => void; closed: boolean };

export class Subscribers {
  private readonly subs = new Set<Sub>();
  private readonly pending: StorageEvent[] = [];
  private delivering = false;

  add(prefix: string, onEvent: (e: StorageEvent) => void, onClose?: () => void): Watcher {
    const sub: Sub = { prefix, onEvent, onClose, closed: false };
    this.subs.add(sub);
    return {
      stop: () => {
        sub.closed = true;
        this.subs.delete(sub);
      },
    };
  }

  deliver(e: StorageEvent): void {
    this.pending.push(e);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const s of this.subs) {
          if (s.closed || !next.key.startsWith(s.prefix)) continue;
          try {
            s.onEvent(next);
          } catch {
            this.drop(s);
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Ends every subscription; each subscriber hears it through onClose. */
  closeAll(): void {
    const subs = [...this.subs];
    this.subs.clear();
    for (const s of subs) {
      s.closed = true;
      s.onClose?.();
    }
  }

  private drop(s: Sub): void {
    s.closed = true;
    this.subs.delete(s);
    s.onClose?.();
  }
}
