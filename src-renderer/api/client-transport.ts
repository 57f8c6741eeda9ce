// The shape both renderer transports share. It mirrors ClientTransport in
// src-shared/ipc-client.ts (structurally), plus the connection state the UI shows.

/** Whether the renderer can reach the register host right now. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A text pipe to the host that also reports its connection state. */
export interface RendererTransport {
  /** Sends one JSON envelope; throws when the host cannot be reached right now. */
  send(text: string): void;
  /** Subscribes to envelopes from the host; returns the unsubscribe function. */
  onMessage(cb: (text: string) => void): () => void;
  /** Subscribes to connection state changes; returns the unsubscribe function. */
  onState(cb: (state: ConnectionState) => void): () => void;
  /** Current connection state. */
  readonly state: ConnectionState;
  /** Stops the transport for good. */
  close(): void;
}

/** Message shown to the cashier while the host cannot be reached. */
export const CONNECTION_LOST_MESSAGE = 'Connection to the register host lost, reconnecting…';

/** Thrown by send() while disconnected, so a command fails at once instead of waiting for its timeout. */
export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
  constructor() {
    super('The register host is not connected. Wait for it to reconnect, then try again.');
  }
}

/** A tiny listener set, shared by the transports. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  /** Adds a listener; returns its remover. */
  add(cb: (value: T) => void): () => void {
    this.set.add(cb);
    return () => {
      this.set.delete(cb);
    };
  }
  /** Calls every listener; one throwing listener does not starve the others. */
  emit(value: T): void {
    for (const cb of [...this.set]) {
      try {
        cb(value);
      } catch (err) {
        console.error('listener failed', err);
      }
    }
  }
  /** Removes every listener. */
  clear(): void {
    this.set.clear();
  }
}
