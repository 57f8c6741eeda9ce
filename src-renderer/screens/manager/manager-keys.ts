// Keys of the manager screens (Orphans, Settings): the same F-keys as on the
// register move between screens, and Escape goes back to the register.

import type { Screen } from '../../store/manager-slice.ts';

/** The screen a key press asks for on a manager screen, or null. */
export function managerKeyScreen(press: { key: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean }, typing: boolean): Screen | null {
  if (press.ctrlKey || press.altKey || press.metaKey) return null;
  if (press.key === 'F6') return 'orphans';
  if (press.key === 'F7') return 'settings';
  if (press.key === 'F10') return 'history';
  if (press.key === 'F1') return 'purser';
  if (press.key === 'F3') return 'settlement';
  if (press.key === 'F5') return 'endOfDay';
  // Escape inside a text field clears or leaves that field first; only outside it does it leave the screen.
  if (press.key === 'Escape' && !typing) return 'register';
  return null;
}
