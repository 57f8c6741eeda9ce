// "Move to register…": the cashier picks another register of the store for an
// open ticket (issue 13 §3). Keyboard: the first register has the focus, Tab
// or the arrows move between them, Enter moves, Esc goes back. A refusal (a
// card payment still being checked, the store out of reach) stays in the
// dialog in the host's plain words; nothing moved.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { TicketSummary } from '../../../src-shared/domain.ts';
import { useFocusTrap } from '../common/focus-trap.ts';
import { PlainMessage } from '../common/plain-message.tsx';

/** Props of the dialog. */
export interface MoveTicketDialogProps {
  ticket: TicketSummary;
  /** The other registers of the store; undefined while loading. */
  registers: { id: string; name: string }[] | undefined;
  /** Why there are none to show: the store could not be asked. */
  unreachable?: string;
  /** Resolves with the refusal's words, or null when the ticket moved. */
  onMove(toRegister: string): Promise<string | null>;
  onClose(): void;
}

/** The dialog. */
export function MoveTicketDialog({ ticket, registers, unreachable, onMove, onClose }: MoveTicketDialogProps) {
  const ref = useRef<HTMLElement>(null);
  useFocusTrap(ref);
  const first = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => first.current?.focus(), [registers?.length]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('.move-target') ?? [])];
      const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
      const next = buttons[Math.max(0, Math.min(buttons.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
      if (next) {
        e.preventDefault();
        next.focus();
      }
    }
  };
  const move = async (id: string) => {
    setBusy(true);
    const words = await onMove(id);
    setBusy(false);
    if (words === null) onClose();
    else setRefusal(words);
  };
  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <section ref={ref} tabIndex={-1} className="dialog" role="dialog" aria-modal="true" aria-labelledby="move-title" data-testid="move-ticket-dialog">
        <h2 id="move-title">Move ticket #{ticket.number} to another register</h2>
        {registers === undefined ? (
          <p>Asking the store for its registers…</p>
        ) : registers.length === 0 ? (
          <p data-testid="move-no-registers">{unreachable ?? 'The store knows no other register yet.'}</p>
        ) : (
          <ul className="move-targets">
            {registers.map((r, i) => (
              <li key={r.id}>
                <button type="button" ref={i === 0 ? first : undefined} className="btn move-target" disabled={busy} data-testid={`move-to-${r.id}`} onClick={() => void move(r.id)}>
                  {r.name}
                </button>
              </li>
            ))}
          </ul>
        )}
        {refusal && (
          <p className="banner banner-error" role="alert" data-testid="move-refusal">
            <PlainMessage text={refusal} />
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" data-testid="move-cancel" onClick={onClose}>
            <kbd>Esc</kbd> Back: keep it here
          </button>
        </div>
      </section>
    </div>
  );
}
