// Browser mode: the same host and handlers as the Electron shell, served over
// the loopback WebSocket with the built renderer beside it.

import path from 'node:path';
import { createHost, type Host, type HostConfig } from './host.ts';
import { createHostDispatcher } from './ipc/ipc-dispatcher.ts';
import { startWebSocketIpcServer, type WebSocketIpcServer } from './ipc/websocket-server.ts';

/** Options for browser mode. */
export interface HeadlessOptions {
  host?: HostConfig;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Folder of the built renderer (default dist-renderer in the working directory). */
  staticDir?: string;
}

/** A running headless host. */
export interface Headless {
  host: Host;
  server: WebSocketIpcServer;
  /** The URL to open: the renderer with the per-launch token. */
  url: string;
  close(): Promise<void>;
}

/** Starts the host and serves it on 127.0.0.1. */
export async function startHeadless(opts: HeadlessOptions = {}): Promise<Headless> {
  const host = createHost(opts.host ?? {});
  try {
    const dispatcher = createHostDispatcher(host);
    const server = await startWebSocketIpcServer({
      dispatcher,
      port: opts.port ?? 0,
      staticDir: opts.staticDir ?? path.resolve('dist-renderer'),
    });
    let closing: Promise<void> | undefined;
    return {
      host,
      server,
      url: server.url,
      close() {
        closing ??= server.close().finally(() => host.close());
        return closing;
      },
    };
  } catch (err) {
    host.close();
    throw err;
  }
}
