// The catalogue as large buttons, each labelled with its hotkey.

import type { CatalogItem } from '../../../src-shared/domain.ts';
import { formatMoney } from '../common/money-format.ts';

/** Props of the catalogue grid. */
export interface CatalogGridProps {
  hotkeys: ReadonlyMap<string, CatalogItem>;
  items: readonly CatalogItem[];
  onRing(itemId: string): void;
}

/** Buttons that ring items onto the current ticket. */
export function CatalogGrid({ hotkeys, items, onRing }: CatalogGridProps) {
  const keyOf = new Map([...hotkeys].map(([key, item]) => [item.id, key]));
  if (items.length === 0) return <p className="empty">The catalogue is empty or still loading.</p>;
  return (
    <div className="catalog-grid" data-testid="catalog">
      {items.map((item) => {
        const key = keyOf.get(item.id);
        return (
          <button
            key={item.id}
            type="button"
            className="catalog-item"
            data-testid={`catalog-item-${item.id}`}
            aria-keyshortcuts={key}
            onClick={() => onRing(item.id)}
          >
            {key && <kbd className="hotkey">{key}</kbd>}
            <span className="catalog-name">{item.name}</span>
            <span className="catalog-price">{formatMoney(item.price, item.currency)}</span>
          </button>
        );
      })}
    </div>
  );
}
