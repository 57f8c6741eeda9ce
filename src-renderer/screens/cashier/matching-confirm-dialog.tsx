// "Is this the same customer?": the host held back a card or cash payment whose
// amount matches a card payment still in doubt on this register. Focus starts
// on the dialog, never on "Go on", so a stray Enter takes no money.

import { useRef, type KeyboardEvent } from 'react';
import type { MatchingConfirm } from '../../store/notice-slice.ts';
import { useFocusTrap } from '../common/focus-trap.ts';
import { PlainMessage } from '../common/plain-message.tsx';

/** Props of the confirmation. */
export interface MatchingConfirmDialogProps {
  confirm: MatchingConfirm;
  onConfirm(): void;
  onBack(): void;
}

/** The confirmation dialog. */
export function MatchingConfirmDialog({ confirm, onConfirm, onBack }: MatchingConfirmDialogProps) {
  const ref = useRef<HTMLElement>(null);
  useFocusTrap(ref);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onBack();
    }
  };
  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <section ref={ref} tabIndex={-1} className="dialog tone-warn" role="alertdialog" aria-modal="true" aria-labelledby="matching-title" aria-describedby="matching-message" data-testid="matching-confirm">
        <h2 id="matching-title">{confirm.crossRegister ? 'Same customer as a payment already taken?' : 'Same customer as a payment being checked?'}</h2>
        <p id="matching-message" data-testid="matching-message">
          <PlainMessage text={confirm.message} />
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" data-testid="matching-back" onClick={onBack}>
            <kbd>Esc</kbd> {confirm.crossRegister ? 'Back: do not charge' : 'Back: wait for the check'}
          </button>
          <button type="button" className="btn" data-testid="matching-confirm-go" onClick={onConfirm}>
            Another customer: {confirm.kind === 'card' ? 'charge the card' : 'take the cash'}
          </button>
        </div>
      </section>
    </div>
  );
}
