// Where the journal lives when the configuration does not say.

import os from 'node:os';
import path from 'node:path';

/** `$CASHIER_DESK_DATA/journal.sqlite`, else the platform's per-user app data folder. */
export function defaultJournalPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CASHIER_DESK_DATA) return path.join(env.CASHIER_DESK_DATA, 'journal.sqlite');
  const home = os.homedir();
  let base: string;
  if (platform === 'win32') base = env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
  else if (platform === 'darwin') base = path.join(home, 'Library', 'Application Support');
  else base = env.XDG_CONFIG_HOME ?? path.join(home, '.config');
  return path.join(base, 'cashier-desk', 'journal.sqlite');
}
