// Electron IPC as a dispatcher connection: one channel, one window. Anything
// arriving from another webContents or another frame URL (an injected iframe,
// a navigated page) is ignored, not answered.

import { ipcMain, type BrowserWindow, type IpcMainEvent } from 'electron';
import type { IpcDispatcher } from '../ipc/ipc-dispatcher.ts';

/** The one IPC channel; preload.cts repeats it because a sandboxed preload cannot import our files. */
export const IPC_CHANNEL = 'cashier-desk:ipc';

/** Connects a window to the dispatcher; returns a detach function. */
export function attachElectronIpc(win: BrowserWindow, dispatcher: IpcDispatcher, rendererUrl: string): () => void {
  const contents = win.webContents;
  const conn = {
    id: `electron-${contents.id}`,
    send: (text: string) => {
      if (!contents.isDestroyed()) contents.send(IPC_CHANNEL, text);
    },
  };
  const listener = (event: IpcMainEvent, text: unknown) => {
    if (!isTrustedSender(event, contents, rendererUrl)) return;
    if (typeof text !== 'string') return;
    void dispatcher.handleMessage(text, conn);
  };
  ipcMain.on(IPC_CHANNEL, listener);
  const detachEvents = dispatcher.attach(conn);
  const detach = () => {
    ipcMain.removeListener(IPC_CHANNEL, listener);
    detachEvents();
  };
  contents.once('destroyed', detach);
  return detach;
}

/** True when a message comes from our window's main frame showing our own page. */
function isTrustedSender(event: IpcMainEvent, contents: Electron.WebContents, rendererUrl: string): boolean {
  if (event.sender !== contents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== contents.mainFrame) return false;
  // Ignore the hash/query: the page may use them for routing.
  return stripSuffix(frame.url) === stripSuffix(rendererUrl);
}

function stripSuffix(url: string): string {
  return url.split('#')[0].split('?')[0];
}
