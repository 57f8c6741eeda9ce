// The keyboard legend, from the same table the key handler uses.

import { KEY_LEGEND } from '../cashier/register-keys.ts';

/** Keys documented on screen. */
export function KeyLegend() {
  return (
    <footer className="key-legend" data-testid="key-legend">
      <span className="legend-item">
        <kbd>letter/digit</kbd> Ring item
      </span>
      {KEY_LEGEND.map(({ key, label }) => (
        <span key={key} className="legend-item">
          <kbd>{key}</kbd> {label}
        </span>
      ))}
      <span className="legend-item">
        <kbd>Tab</kbd> Move focus <kbd>Enter</kbd> Press
      </span>
    </footer>
  );
}
