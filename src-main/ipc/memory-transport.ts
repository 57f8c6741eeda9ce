// An in-memory transport pair: the client end is a ClientTransport, the server
// end is a dispatcher connection. Messages are strings and are delivered on a
// later tick, like a real transport, so ordering bugs show up in tests too.

import type { ClientTransport } from '../../src-shared/ipc-client.ts';
import type { IpcDispatcher } from './ipc-dispatcher.ts';

let counter = 0;

/** A client transport wired straight to a dispatcher. */
export interface MemoryClientTransport extends ClientTransport {
  /** The connection id the handlers see. */
  readonly connectionId: string;
}

/** Connects a new in-memory client to a dispatcher. */
export function connectMemoryTransport(dispatcher: IpcDispatcher): MemoryClientTransport {
  const connectionId = `memory-${++counter}`;
  const listeners = new Set<(text: string) => void>();
  let open = true;
  const deliver = (text: string): void => {
    if (typeof text !== 'string') throw new TypeError('memory transport carries strings only');
    setImmediate(() => {
      if (open) for (const cb of listeners) cb(text);
    });
  };
  const conn = { id: connectionId, send: deliver };
  const detach = dispatcher.attach(conn);
  return {
    connectionId,
    send(text) {
      if (!open) throw new Error('memory transport is closed');
      setImmediate(() => void dispatcher.handleMessage(String(text), conn));
    },
    onMessage(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    close() {
      open = false;
      detach();
      listeners.clear();
    },
  };
}
