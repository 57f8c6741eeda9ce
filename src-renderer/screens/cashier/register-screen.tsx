// The register: catalogue, current ticket, tenders, open tickets, key legend.
// Every action is reachable from the keyboard (register-keys.ts) and by pointer.

import { useEffect, useMemo, useRef, useState } from 'react';
import type { RecoveryNotice } from '../../../src-shared/domain.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { CashDialog } from './cash-dialog.tsx';
import { CatalogGrid } from './catalog-grid.tsx';
import { KeyLegend } from '../common/key-legend.tsx';
import { OpenTicketsList } from './open-tickets-list.tsx';
import { MoveTicketDialog } from './move-ticket-dialog.tsx';
import { MovedHereList } from './moved-here-list.tsx';
import { PaymentDialog } from './payment-dialog.tsx';
import { ReceiptStatus } from './receipt-status.tsx';
import { assignHotkeys, registerKeyAction, type RegisterAction } from './register-keys.ts';
import { TicketPanel } from './ticket-panel.tsx';
import { TrainingControl } from './training-control.tsx';
import { MatchingConfirmDialog } from './matching-confirm-dialog.tsx';
import { PlainMessage } from '../common/plain-message.tsx';
import { formatMoney } from '../common/money-format.ts';

/** True when the key went to a text field, which owns its own keys. */
function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
}

/** How long a refused key's notice stays: long enough to read, gone before it turns into another standing message. */
const REFUSAL_MS = 5000;

/** One shared empty list: a new [] per render would make the store selector loop. */
const NO_NOTICES: readonly RecoveryNotice[] = [];

/** The register screen. */
export function RegisterScreen() {
  const catalog = useAppState((s) => s.catalog);
  const ticket = useAppState((s) => s.currentTicket);
  const openTickets = useAppState((s) => s.openTickets);
  const lastCash = useAppState((s) => s.lastCash);
  const attempt = useAppState((s) => s.attempt);
  const error = useAppState((s) => s.error);
  const paymentOpen = useAppState((s) => s.paymentTicketId !== null);
  const matchingConfirm = useAppState((s) => s.matchingConfirm);
  const recovery = useAppState((s) => (s.recoveryDismissed ? NO_NOTICES : s.recoveryNotices));
  const actions = useAppActions();
  const signInOpen = useAppState((s) => s.signInOpen);
  const [cashOpen, setCashOpen] = useState(false);
  const moveTargets = useAppState((s) => s.moveTargets);
  const movedHere = useAppState((s) => s.movedHere);
  const movedHereError = useAppState((s) => s.movedHereError);
  const [movingId, setMovingId] = useState<string | null>(null);
  const moving = openTickets.find((t) => t.id === movingId);
  const modalOpen = cashOpen || paymentOpen || matchingConfirm !== null || !!moving;
  const inStore = moveTargets?.configured === true;
  // Tickets other registers move here appear without a key press (the store is asked every 15 s, and at F8).
  useEffect(() => {
    if (!inStore) return;
    const timer = setInterval(() => void actions.loadMovedHere(), 15_000);
    return () => clearInterval(timer);
  }, [inStore, actions]);
  useEffect(() => actions.setModalOpen(modalOpen), [modalOpen, actions]);
  const [pickedLineId, setPickedLineId] = useState<string | null>(null);
  const firstOpenTicket = useRef<HTMLButtonElement>(null);

  const hotkeys = useMemo(() => assignHotkeys(catalog), [catalog]);
  const activeLines = useMemo(() => ticket?.lines.filter((l) => !l.voided) ?? [], [ticket]);
  // The newest line is selected unless the cashier picked another with the arrows.
  const selectedLineId = activeLines.some((l) => l.id === pickedLineId) ? pickedLineId! : activeLines.at(-1)?.id;
  useEffect(() => setPickedLineId(null), [activeLines.length, ticket?.id]);

  const canTender = !!ticket && ticket.status === 'open' && ticket.due > 0;
  // A card out or in doubt on this ticket locks it (main refuses changes too); the list and the attempt both say so.
  const locked =
    !!ticket &&
    ticket.status === 'open' &&
    (openTickets.some((t) => t.id === ticket.id && t.locked) || (attempt?.ticketId === ticket.id && (attempt.state === 'sent' || attempt.state === 'in_doubt')));
  const inDoubt = locked && (openTickets.some((t) => t.id === ticket.id && t.cardInDoubt) || (attempt?.ticketId === ticket.id && attempt.state === 'in_doubt'));
  const canVoid = !!ticket && ticket.status === 'open' && activeLines.length === 0 && ticket.paid === 0 && !locked;

  // One attempt, one message: the locked ticket's banner says why once; a key pressed against the lock gets a
  // short notice that goes away by itself instead of a second copy of that sentence in red.
  const [refusal, setRefusal] = useState<{ text: string; n: number } | null>(null);
  const refuse = (text: string) => setRefusal((r) => ({ text, n: (r?.n ?? 0) + 1 }));
  useEffect(() => {
    if (!refusal) return;
    const timer = setTimeout(() => setRefusal(null), REFUSAL_MS);
    return () => clearTimeout(timer);
  }, [refusal]);
  useEffect(() => {
    if (!locked) setRefusal(null);
  }, [locked]);
  // A refusal the host sent anyway (a click that raced the lock) is shown the same short way.
  const hostLockRefusal = locked && !!error && /\bis locked\b/.test(error);
  useEffect(() => {
    if (!hostLockRefusal) return;
    actions.clearError();
    refuse('Not done (ticket locked).');
  }, [hostLockRefusal, actions]);

  const run = (action: RegisterAction) => {
    if (locked && (action.type === 'ring' || action.type === 'removeLine' || action.type === 'cash')) {
      const item = action.type === 'ring' ? catalog.find((c) => c.id === action.itemId)?.name : undefined;
      refuse(
        action.type === 'ring' ? `${item ?? 'Item'} not added (ticket locked).` : action.type === 'cash' ? 'Cash not taken (ticket locked).' : 'Line not removed (ticket locked).',
      );
      return;
    }
    switch (action.type) {
      case 'ring':
        void actions.ringItem(action.itemId);
        break;
      case 'cash':
        if (canTender) {
          actions.clearError();
          setCashOpen(true);
        } else actions.showError('There is nothing due on this ticket. Ring an item first.');
        break;
      case 'card':
        void actions.startCard();
        break;
      case 'newTicket':
        void actions.newTicket();
        break;
      case 'openTickets':
        firstOpenTicket.current?.focus();
        if (inStore) void actions.loadMovedHere();
        break;
      case 'lineUp':
      case 'lineDown': {
        const i = activeLines.findIndex((l) => l.id === selectedLineId);
        const next = activeLines[Math.max(0, Math.min(activeLines.length - 1, i + (action.type === 'lineUp' ? -1 : 1)))];
        if (next) setPickedLineId(next.id);
        break;
      }
      case 'removeLine':
        if (selectedLineId) void actions.removeLine(selectedLineId);
        break;
      case 'orphans':
      case 'settings':
      case 'history':
      case 'purser':
        actions.showScreen(action.type);
        break;
      case 'dismiss':
        actions.clearError();
        break;
    }
  };
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    // The manager sign-in dialog (app level) owns the keys while it is open.
    if (modalOpen || signInOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || isTyping(e.target)) return;
      const action = registerKeyAction(e, hotkeys);
      if (!action) return;
      // Arrows and Escape keep their meaning inside lists and menus of other widgets; we take them only here.
      e.preventDefault();
      runRef.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [modalOpen, signInOpen, hotkeys]);

  return (
    <main className="register" data-testid="register-screen">
      {/* Everything behind an open dialog is inert: Tab, Enter and the pointer cannot ring items onto a ticket being charged. */}
      <div className="register-body" inert={modalOpen}>
      {recovery.length > 0 && (
        <div className="banner banner-warn recovery-notice" role="alert" data-testid="recovery-notice">
          <strong>Payments checked after the register restarted:</strong>
          <ul>
            {recovery.map((n) => (
              <li key={n.attemptId} data-testid="recovery-item" data-state={n.state}>
                Ticket #{n.ticketNumber}, {formatMoney(n.amount, n.currency)}: <PlainMessage text={n.message} />
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small" data-testid="recovery-dismiss" onClick={actions.dismissRecovery}>
            Seen
          </button>
        </div>
      )}
      <div className="register-left">
        <section className="panel catalog" aria-label="Catalogue">
          <CatalogGrid items={catalog} hotkeys={hotkeys} onRing={(id) => run({ type: 'ring', itemId: id })} />
        </section>
        {/* Shown once: while the payment dialog is open it carries the panel. */}
        {!paymentOpen && <TrainingControl />}
        <OpenTicketsList
          tickets={openTickets}
          currentId={ticket?.id}
          onSelect={(id) => void actions.selectTicket(id)}
          firstRef={firstOpenTicket}
          {...(inStore
            ? {
                onMove: (id: string) => {
                  void actions.loadMoveTargets();
                  setMovingId(id);
                },
              }
            : {})}
        />
        {inStore && <MovedHereList items={movedHere?.items ?? []} error={movedHereError} onOpen={(id) => void actions.receiveMovedTicket(id)} />}
      </div>
      <div className="register-right">
        <TicketPanel
          ticket={ticket}
          selectedLineId={ticket?.status === 'open' ? selectedLineId : undefined}
          lastCash={lastCash}
          onRemoveLine={(id) => void actions.removeLine(id)}
          locked={locked ? (inDoubt ? 'in_doubt' : 'sent') : undefined}
        />
        {ticket && ticket.status === 'paid' && !paymentOpen && <ReceiptStatus ticket={ticket} />}
        <div className={`refusal-notice ${refusal ? 'shown' : ''}`} role="status" data-testid="refusal-slot">
          {refusal && (
            <span key={refusal.n} data-testid="refusal-notice">
              {refusal.text}
            </span>
          )}
        </div>
        {error && !cashOpen && !hostLockRefusal && (
          <div className="banner banner-error" role="alert" data-testid="error-notice">
            <span>
              <PlainMessage text={error} />
            </span>
            <button type="button" className="btn btn-small" onClick={actions.clearError} aria-label="Dismiss, Esc">
              <kbd>Esc</kbd>
            </button>
          </div>
        )}
        {/* One attempt, one message: a paid ticket no longer talks about a card payment waiting, and a locked one says it in its banner. */}
        {attempt && attempt.ticketId === ticket?.id && ticket.status === 'open' && !paymentOpen && !locked && (
          <div className="banner" role="status" data-testid="card-attempt" data-state={attempt.state}>
            Card payment: <PlainMessage text={attempt.message} />
          </div>
        )}
        <div className="tenders">
          <button type="button" className="btn btn-tender" data-testid="tender-cash" disabled={!canTender || locked} onClick={() => run({ type: 'cash' })}>
            <kbd>F2</kbd> Cash
          </button>
          <button type="button" className="btn btn-tender" data-testid="tender-card" disabled={!canTender} onClick={() => run({ type: 'card' })}>
            <kbd>F4</kbd> Card
          </button>
          <button type="button" className="btn" data-testid="new-ticket" onClick={() => run({ type: 'newTicket' })}>
            <kbd>F9</kbd> New ticket
          </button>
          {canVoid && (
            <button type="button" className="btn" data-testid="void-ticket" onClick={() => void actions.voidTicket()}>
              Void empty ticket
            </button>
          )}
        </div>
      </div>
      <KeyLegend />
      </div>
      {paymentOpen && (
        <PaymentDialog
          onOtherTender={() => {
            actions.clearError();
            setCashOpen(true);
          }}
        />
      )}
      {cashOpen && ticket && !matchingConfirm && (
        <CashDialog
          due={ticket.due}
          currency={ticket.currency}
          hostError={error}
          onTender={(amount) => actions.payCash(amount)}
          onClose={() => setCashOpen(false)}
        />
      )}
      {moving && (
        <MoveTicketDialog
          ticket={moving}
          registers={moveTargets?.registers}
          {...(moveTargets?.unreachable ? { unreachable: moveTargets.unreachable } : {})}
          onMove={async (to) => {
            const r = await actions.moveTicket(moving.id, to);
            return r.ok ? null : r.message;
          }}
          onClose={() => setMovingId(null)}
        />
      )}
      {matchingConfirm && (
        <MatchingConfirmDialog
          confirm={matchingConfirm}
          onBack={() => actions.askMatchingConfirm(null)}
          onConfirm={() => {
            if (matchingConfirm.kind === 'card') void actions.confirmMatchingCard();
            else {
              const amount = matchingConfirm.amount;
              actions.askMatchingConfirm(null);
              void actions.payCash(amount, true).then((ok) => ok && setCashOpen(false));
            }
          }}
        />
      )}
    </main>
  );
}
