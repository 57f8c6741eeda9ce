// Electron transport: the preload exposes only send/onMessage through
// contextBridge (DESIGN §5), so this is a thin adapter.

import { Listeners, type ConnectionState, type RendererTransport } from './client-transport.ts';

/** What the Electron preload puts on window. */
export interface CashierDeskBridge {
  send(text: string): void;
  onMessage(cb: (text: string) => void): () => void;
}

/** The preload bridge, when running inside Electron. */
export function findPreloadBridge(win: unknown): CashierDeskBridge | undefined {
  const bridge = (win as { cashierDesk?: Partial<CashierDeskBridge> } | undefined)?.cashierDesk;
  return bridge && typeof bridge.send === 'function' && typeof bridge.onMessage === 'function'
    ? (bridge as CashierDeskBridge)
    : undefined;
}

/** Transport over the Electron preload bridge; always open while the window lives. */
export class PreloadTransport implements RendererTransport {
  private readonly states = new Listeners<ConnectionState>();
  private closed = false;
  constructor(private readonly bridge: CashierDeskBridge) {}

  get state(): ConnectionState {
    return this.closed ? 'closed' : 'open';
  }
  send(text: string): void {
    this.bridge.send(text);
  }
  onMessage(cb: (text: string) => void): () => void {
    return this.bridge.onMessage(cb);
  }
  onState(cb: (state: ConnectionState) => void): () => void {
    return this.states.add(cb);
  }
  close(): void {
    this.closed = true;
    this.states.emit('closed');
    this.states.clear();
  }
}
