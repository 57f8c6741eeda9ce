// Joins a host to the transport-agnostic dispatcher: its handlers answer
// requests and every host event is broadcast to every connection.

import { EVENT_NAMES, type EventName, type Events, type Handlers } from '../../src-shared/ipc-contract.ts';
import { IpcDispatcher, type IpcLogger, type ManagerGuard } from './ipc-dispatcher.ts';

/** What the dispatcher needs from a host. */
export interface DispatchableHost {
  handlers: Handlers;
  /** The host's guard of manager-only commands; without one they are all refused. */
  requireManager?: ManagerGuard;
  events: { subscribe<E extends EventName>(name: E, cb: (payload: Events[E]) => void): () => void };
}

/** A dispatcher serving a host's handlers and broadcasting its events. */
export function createHostDispatcher(host: DispatchableHost, opts: { log?: IpcLogger } = {}): IpcDispatcher {
  const dispatcher = new IpcDispatcher(host.handlers, { ...opts, requireManager: host.requireManager });
  for (const name of EVENT_NAMES) {
    host.events.subscribe(name, (payload) => dispatcher.broadcast(name, payload as never));
  }
  return dispatcher;
}
