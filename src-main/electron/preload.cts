// The only bridge between the sandboxed renderer and main: send a string, get
// strings back. A sandboxed preload must be CommonJS and may require only
// 'electron', so this file imports nothing of ours (the channel name is
// repeated from electron-ipc-transport.ts).

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const IPC_CHANNEL = 'cashier-desk:ipc';

contextBridge.exposeInMainWorld('cashierDesk', {
  /** Sends one JSON envelope to main. */
  send(text: unknown): void {
    if (typeof text === 'string') ipcRenderer.send(IPC_CHANNEL, text);
  },
  /** Calls cb with every message from main; returns an unsubscribe. */
  onMessage(cb: (text: string) => void): () => void {
    // The IpcRendererEvent is not handed to the page: it exposes ipcRenderer.
    const listener = (_event: IpcRendererEvent, text: unknown) => {
      if (typeof text === 'string') cb(text);
    };
    ipcRenderer.on(IPC_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNEL, listener);
    };
  },
});
