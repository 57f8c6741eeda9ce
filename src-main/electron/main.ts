// The Electron shell: one locked-down window over the same host the headless
// mode serves. Everything of substance lives in host.ts; this file only wires
// the window, the app:// protocol, the CSP and the IPC channel.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, dialog, protocol, session } from 'electron';
import { createHost, type Host } from '../host.ts';
import { hostConfigFromEnv } from '../host-env-config.ts';
import { CONTENT_SECURITY_POLICY } from '../ipc/content-security-policy.ts';
import { createHostDispatcher } from '../ipc/ipc-dispatcher.ts';
import { APP_ENTRY_URL, APP_SCHEME, createAppProtocolHandler } from './app-protocol-handler.ts';
import { attachElectronIpc } from './electron-ipc-transport.ts';
import { useCheckerLauncher } from '../journal/journal-integrity.ts';
import { utilityProcessCheckerLauncher } from './utility-process-checker.ts';

// Compiled to dist-main/src-main/electron/: the project root is three levels up.
const here = path.dirname(fileURLToPath(import.meta.url));
const appRoot = path.resolve(here, '..', '..', '..');
const rendererRoot = path.join(appRoot, 'dist-renderer');
const preloadFile = path.join(here, 'preload.cjs');
// An installed register offers no DevTools and no default menu (its View menu
// opens DevTools and reloads the page mid-sale); a development run keeps both.
const packaged = app.isPackaged;

// The renderer is served from app://cashier-desk/, never file://: responses of
// a custom scheme carry our CSP header, and file:// pages could read other
// local files. Standard + secure gives the scheme a real origin ('self' in the
// CSP) and a secure context. Must run before the app is ready.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

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
  if (packaged) Menu.setApplicationMenu(null);
  const ses = session.defaultSession;
  ses.protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererRoot));
  // A register needs no camera, microphone, notifications or geolocation.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  // Before the journal opens: its background check must not rely on running the app's binary as Node.
  if (packaged) useCheckerLauncher(utilityProcessCheckerLauncher());
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
      devTools: !packaged,
    },
  });
  if (packaged) {
    // devTools: false already makes openDevTools a no-op; close them should
    // anything still open them.
    win.webContents.on('devtools-opened', () => win.webContents.closeDevTools());
  }
  attachElectronIpc(win, dispatcher, APP_ENTRY_URL);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(APP_ENTRY_URL);
}
