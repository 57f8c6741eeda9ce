// Picks the transport: the Electron preload when present, else a WebSocket to
// the headless host that served this page.

import { IpcClient } from '../../src-shared/ipc-client.ts';
import type { RendererTransport } from './client-transport.ts';
import { findPreloadBridge, PreloadTransport } from './preload-transport.ts';
import { hostSocketUrl, WebSocketTransport } from './websocket-transport.ts';

/** A client of the IPC contract plus the transport under it (for connection state). */
export interface HostConnection {
  client: IpcClient;
  transport: RendererTransport;
}

/** Connects to the register host from inside a page. */
export function connectToHost(win: Window = window): HostConnection {
  const bridge = findPreloadBridge(win);
  const transport: RendererTransport = bridge
    ? new PreloadTransport(bridge)
    : new WebSocketTransport(hostSocketUrl(win.location));
  return { client: new IpcClient(transport), transport };
}
