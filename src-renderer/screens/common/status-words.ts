// The status bar's words: a short label per state that fits one line at
// 1024×768 beside the register name and the screens ("PIN pad ready",
// "Printer: no paper"), and the full sentence for the tooltip and for screen
// readers. A long device message used to be cut mid-word ("Printer …").

import type { DeviceHealth, StoreLinkHealth } from '../../../src-shared/domain.ts';
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

/** "42 sales" / "1 sale"; changes that are no sale (staff, devices) are counted as changes. */
function waiting(store: StoreLinkHealth): string {
  if (store.backlogSales > 0) return `${store.backlogSales} ${store.backlogSales === 1 ? 'sale' : 'sales'}`;
  return `${store.backlogEvents} ${store.backlogEvents === 1 ? 'change' : 'changes'}`;
}

/** 10:42 when it was today, else 2026-11-29 10:42 (local time). */
function clockTime(iso: string, now: Date): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return 'a while';
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  const sameDay = t.getFullYear() === now.getFullYear() && t.getMonth() === now.getMonth() && t.getDate() === now.getDate();
  return sameDay ? hm : `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${hm}`;
}

/** What the status bar says about the link to the store server and what has not reached it yet. */
export function storeWords(store: StoreLinkHealth, now: Date = new Date()): StatusWords {
  const pending = store.backlogEvents > 0;
  const count = store.backlogSales > 0 ? store.backlogSales : store.backlogEvents;
  switch (store.state) {
    case 'connected':
      return pending
        ? { short: `Store: sending ${count}`, full: `Store: connected, ${waiting(store)} being sent.` }
        : { short: 'Store up to date', full: 'Store: up to date — every sale is in the store.' };
    case 'connecting':
      return { short: 'Store connecting', full: `Store: connecting…${pending ? ` ${waiting(store)} waiting to be sent.` : ''} Selling continues.` };
    case 'unreachable':
      return {
        short: pending ? `No store: ${count} waiting` : 'Store not reachable',
        full: `Store: not reachable since ${clockTime(store.since, now)}${pending ? `, ${waiting(store)} waiting to be sent` : ''} — selling continues.`,
      };
    case 'refused':
      return {
        short: 'Store: call manager',
        full: `Store: cannot take this register's sales${store.detail ? ` (${plainWords(store.detail)})` : ''}.${pending ? ` ${waiting(store)} waiting to be sent.` : ''} Selling continues; call your manager.`,
      };
  }
}
