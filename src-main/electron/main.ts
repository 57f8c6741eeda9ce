// The Electron shell: one locked-down window over the same host the headless
// mode serves. Everything of substance lives in host.ts; this file only wires
// the window, the CSP and the IPC channel.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, app, dialog, session } from 'electron';
import { createHost, type Host } from '../host.ts';
import { hostConfigFromEnv } from '../host-env-config.ts';
import { CONTENT_SECURITY_POLICY } from '../ipc/content-security-policy.ts';
import { createHostDispatcher } from '../ipc/host-dispatcher.ts';
import { attachElectronIpc } from './electron-ipc-transport.ts';

// Compiled to dist-main/src-main/electron/: the project root is three levels up.
const here = path.dirname(fileURLToPath(import.meta.url));
const appRoot = path.resolve(here, '..', '..', '..');
const rendererFile = path.join(appRoot, 'dist-renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererFile).href;
const preloadFile = path.join(here, 'preload.cjs');

let host: Host | undefined;

// Two instances on one journal would race for the same tickets.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => {
    // The register never leaves its own page, opens windows or embeds others.
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    const closing = host;
    if (!closing) return;
    // Let the host record any sale still at the PIN pad as in doubt and stop
    // the simulators before the process goes; never wait more than 5 s.
    event.preventDefault();
    host = undefined;
    const limit = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    void Promise.race([Promise.resolve(closing.close()).catch(() => undefined), limit]).then(() => app.quit());
  });
  void app.whenReady().then(start).catch((err: unknown) => {
    // A bad setting (CASHIER_DESK_*) or an unusable data folder: say what is
    // wrong in a window a cashier can read, then stop rather than run half-set-up.
    dialog.showErrorBox('Cashier Desk cannot start', err instanceof Error ? err.message : String(err));
    app.quit();
  });
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  // A register needs no camera, microphone, notifications or geolocation.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  host = createHost({
    // Unset values = the host's defaults (journal in the per-user data folder,
    // the same file browser mode uses); see host-env-config.ts.
    ...hostConfigFromEnv(process.env),
    version: app.getVersion(),
  });
  const dispatcher = createHostDispatcher(host);

  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  attachElectronIpc(win, dispatcher, rendererUrl);
  win.once('ready-to-show', () => win.show());
  await win.loadFile(rendererFile);
}
