// Keyboard map of the register screen, kept pure so it can be tested and shown
// on screen from the same table.

import type { CatalogItem } from '../../../src-shared/domain.ts';

/** Something the cashier can do from the keyboard. */
export type RegisterAction =
  | { type: 'ring'; itemId: string }
  | { type: 'cash' }
  | { type: 'card' }
  | { type: 'newTicket' }
  | { type: 'openTickets' }
  | { type: 'lineUp' }
  | { type: 'lineDown' }
  | { type: 'removeLine' }
  | { type: 'orphans' }
  | { type: 'settings' }
  | { type: 'history' }
  | { type: 'purser' }
  | { type: 'dismiss' };

/** The legend shown on screen; letters and digits are left to catalogue hotkeys. */
export const KEY_LEGEND: ReadonlyArray<{ key: string; label: string }> = [
  { key: 'F2', label: 'Cash' },
  { key: 'F4', label: 'Card' },
  { key: 'F8', label: 'Open tickets' },
  { key: 'F9', label: 'New ticket' },
  { key: '↑ ↓', label: 'Select line' },
  { key: 'Del', label: 'Remove line' },
  { key: 'F6', label: 'Orphans' },
  { key: 'F7', label: 'Settings' },
  { key: 'F10', label: 'Closed tickets' },
  { key: 'F1', label: 'Purser' },
  { key: 'Esc', label: 'Close / dismiss' },
];

const FIXED: Record<string, RegisterAction> = {
  F2: { type: 'cash' },
  F4: { type: 'card' },
  F8: { type: 'openTickets' },
  F9: { type: 'newTicket' },
  F6: { type: 'orphans' },
  F7: { type: 'settings' },
  F10: { type: 'history' },
  // The shipboard purser's guest desk (issue 12): F1 was the one function key left a browser lets a page keep.
  F1: { type: 'purser' },
  ArrowUp: { type: 'lineUp' },
  ArrowDown: { type: 'lineDown' },
  Delete: { type: 'removeLine' },
  Escape: { type: 'dismiss' },
};

/**
 * Hotkey for each catalogue item: its own `hotkey` when it has a free single
 * character, else the next free digit 1–9, else none. Keys are upper case.
 */
export function assignHotkeys(items: readonly CatalogItem[]): Map<string, CatalogItem> {
  const byKey = new Map<string, CatalogItem>();
  const pending: CatalogItem[] = [];
  for (const item of items) {
    const key = item.hotkey?.trim().toUpperCase();
    if (key && key.length === 1 && /[A-Z0-9]/.test(key) && !byKey.has(key)) byKey.set(key, item);
    else pending.push(item);
  }
  for (const item of pending) {
    const free = '123456789'.split('').find((d) => !byKey.has(d));
    if (!free) break;
    byKey.set(free, item);
  }
  return byKey;
}

/** A key press as the screen sees it. */
export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/** The action for a key press on the register screen, or null when the key is not ours. */
export function registerKeyAction(press: KeyPress, hotkeys: ReadonlyMap<string, CatalogItem>): RegisterAction | null {
  // Leave browser and OS shortcuts (Ctrl+R, Alt+Tab…) alone.
  if (press.ctrlKey || press.altKey || press.metaKey) return null;
  const fixed = FIXED[press.key];
  if (fixed) return fixed;
  if (press.key.length !== 1) return null;
  const item = hotkeys.get(press.key.toUpperCase());
  return item ? { type: 'ring', itemId: item.id } : null;
}
