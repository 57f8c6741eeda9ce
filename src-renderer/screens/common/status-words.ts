// The status bar's words: a short label per state that fits one line at
// 1024×768 beside the register name and the screens ("PIN pad ready",
// "Printer: no paper"), and the full sentence for the tooltip and for screen
// readers. A long device message used to be cut mid-word ("Printer …").

import type { DeviceHealth } from '../../../src-shared/domain.ts';
import { plainWords } from './plain-words.ts';

/** The devices the status bar shows. */
export type DeviceRole = 'terminal' | 'printer' | 'cardReader';

/** A short label for the bar and the whole sentence behind it. */
export interface StatusWords {
  short: string;
  full: string;
}

const NOUN: Record<DeviceRole, string> = { terminal: 'PIN pad', printer: 'Printer', cardReader: 'Card reader' };
const NONE: Record<DeviceRole, string> = { terminal: 'No PIN pad', printer: 'No printer', cardReader: 'No card reader' };

/** The printer problems a cashier can fix at the till get their own short label. */
function printerProblem(detail: string): string | undefined {
  if (/paper/i.test(detail)) return 'Printer: no paper';
  if (/cover/i.test(detail)) return 'Printer: cover open';
  return undefined;
}

function shortDeviceLabel(role: DeviceRole, health: DeviceHealth): string {
  const noun = NOUN[role];
  const detail = health.detail ?? '';
  switch (health.state) {
    case 'none':
      return NONE[role];
    case 'connected':
      return `${noun} ready`;
    case 'busy':
      return `${noun} busy`;
    case 'disconnected':
      return /connecting/i.test(detail) ? `${noun} connecting` : `${noun} offline`;
    case 'error':
      return (role === 'printer' && printerProblem(detail)) || `${noun} error`;
  }
}

/** What the status bar says about one device. */
export function deviceWords(role: DeviceRole, health: DeviceHealth): StatusWords {
  const short = shortDeviceLabel(role, health);
  const detail = health.detail ? plainWords(health.detail) : '';
  const who = health.name ? ` (${health.name})` : '';
  return { short, full: detail ? `${short}${who}: ${detail}` : `${short}${who}` };
}

/** What the status bar says about the journal. */
export function journalWords(journal: { healthy: boolean; message?: string | null }): StatusWords {
  return journal.healthy
    ? { short: 'Journal ok', full: 'Journal healthy: every sale is being recorded.' }
    : { short: 'Journal problem', full: `Journal problem: ${plainWords(journal.message ?? 'unknown')}` };
}
