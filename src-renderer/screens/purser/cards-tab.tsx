// The guest's Credit cards tab (seed 002 "Guest Handling, Credit Card tab"):
// each card on file with its masked number, brand, expiry, how it was read,
// active or why not (table 4-15), its place in the routing order, and its
// authorisations and settlements with the status and queue status words of
// table 4-22. Register card reads a new card on a chosen PIN pad (table 4-7);
// Add authorisation is table 4-16.

import { useRef, useState } from 'react';
import type { CardOnFileSnapshot, GuestDetail, PurserActionResult, PurserRecord } from '../../../src-shared/purser-types.ts';
import type { Outcome } from '../../store/host-api.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { FieldError } from '../common/plain-message.tsx';
import { PinPadChooser } from './pin-pad-chooser.tsx';
import { PurserDialog, PurserDialogActions } from './purser-dialog.tsx';
import { canActivate, cardName, lastFour, ENTRY_METHOD_WORDS, expiryWords, inactiveWords, isTemporaryToken, recordKindWords, recordStateWords, TEMPORARY_TOKEN_WORDS } from './purser-words.ts';
import { cardViews, moveInRouting, parseSignedAmount, pinPadChoices, type CardView } from './purser-view.ts';

/** What an action said, for the guest panel's message line. */
export type Report = (r: Outcome<PurserActionResult>, done?: string) => void;

/** The tab. */
export function CardsTab({ detail, currency, report }: { detail: GuestDetail; currency: string; report: Report }) {
  const actions = useAppActions();
  const [registering, setRegistering] = useState(false);
  const [adding, setAdding] = useState<CardOnFileSnapshot | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { cards, withoutCard } = cardViews(detail);

  const run = async (key: string, task: () => Promise<Outcome<PurserActionResult>>, done: string) => {
    setBusy(key);
    const r = await task();
    setBusy(null);
    report(r, done);
  };

  return (
    <div className="purser-cards" data-testid="purser-cards">
      <div className="toolbar">
        <button type="button" className="btn btn-primary" data-testid="purser-register-card" onClick={() => setRegistering(true)} disabled={busy !== null}>
          Register card…
        </button>
      </div>
      {cards.length === 0 && (
        <p className="empty" data-testid="purser-no-cards">
          No card on file. Register one on the PIN pad; until then invoices are paid in cash or by direct sale.
        </p>
      )}
      {cards.map((v, i) => (
        <CardSection
          key={v.card.cardId}
          view={v}
          currency={currency}
          busy={busy}
          first={i === 0}
          last={i === cards.length - 1}
          onActivate={() => void run(`activate-${v.card.cardId}`, () => actions.activateCard(v.card.cardId), `${cardName(v.card)} is active again.`)}
          onDeactivate={() => void run(`deactivate-${v.card.cardId}`, () => actions.deactivateCard(v.card.cardId), `${cardName(v.card)} is deactivated.`)}
          onAdd={() => setAdding(v.card)}
          onMove={(by) => void run(`move-${v.card.cardId}`, () => actions.setRouting(moveInRouting(detail.cards, v.card.cardId, by)), 'The routing order is changed.')}
        />
      ))}
      {withoutCard.length > 0 && (
        <section className="purser-card" aria-label="Records without a card" data-testid="purser-records-without-card">
          <h3>Without a card on file</h3>
          <RecordsTable records={withoutCard} currency={currency} testId="purser-records-other" caption="Refunds and payments not on a card on file" />
        </section>
      )}
      {registering && (
        <RegisterCardDialog
          onClose={(r) => {
            setRegistering(false);
            if (r) report(r, 'The card is registered.');
          }}
        />
      )}
      {adding && (
        <AddAuthorisationDialog
          card={adding}
          currency={currency}
          onClose={(r) => {
            setAdding(null);
            if (r) report(r, 'The authorisation is added and queued for the card company.');
          }}
        />
      )}
    </div>
  );
}

function CardSection({
  view,
  currency,
  busy,
  first,
  last,
  onActivate,
  onDeactivate,
  onAdd,
  onMove,
}: {
  view: CardView;
  currency: string;
  busy: string | null;
  first: boolean;
  last: boolean;
  onActivate: () => void;
  onDeactivate: () => void;
  onAdd: () => void;
  onMove: (by: -1 | 1) => void;
}) {
  const { card } = view;
  const name = cardName(card);
  const why = inactiveWords(card);
  const headingId = `card-${card.cardId}-name`;
  return (
    <section className={`purser-card ${card.active ? 'card-active' : 'card-inactive'}`} aria-labelledby={headingId} data-testid="purser-card" data-card-id={card.cardId} data-active={card.active ? 'true' : 'false'}>
      <div className="purser-card-head">
        <h3 id={headingId}>
          <span className="routing-order" title="Routing order: invoices go to the first active card">
            {card.routingOrder}.
          </span>{' '}
          {name}
        </h3>
        <span className={`card-state ${card.active ? 'ok' : 'bad'}`} data-testid="purser-card-state">
          {card.active ? 'Active' : 'Inactive'}
        </span>
      </div>
      <dl className="purser-facts">
        <dt>Card number</dt>
        <dd className="mono" data-testid="purser-card-masked">
          •••• {lastFour(card.maskedPan)}
        </dd>
        <dt>Expiry</dt>
        <dd>{expiryWords(card)}</dd>
        <dt>Read by</dt>
        <dd data-testid="purser-card-entry">{ENTRY_METHOD_WORDS[card.entryMethod]}</dd>
        <dt>Token</dt>
        <dd data-testid="purser-card-token">{card.tokenKind === 'temporary' ? TEMPORARY_TOKEN_WORDS : card.tokenKind === 'real' ? 'From the card company' : 'None'}</dd>
        <dt>Authorised</dt>
        <dd data-testid="purser-card-authorised">
          {formatMoney(card.totalAuthorised, currency)}
          {card.totalApproved !== card.totalAuthorised ? ` (${formatMoney(card.totalApproved, currency)} approved)` : ''}
        </dd>
        {card.signature === 'captured' && (
          <>
            <dt>Signature</dt>
            <dd>Captured on the PIN pad</dd>
          </>
        )}
      </dl>
      {why && (
        <p className="purser-lock" data-testid="purser-card-lock">
          {why}
        </p>
      )}
      <div className="row-actions">
        {card.active ? (
          <button type="button" className="btn" data-testid="purser-card-deactivate" disabled={busy !== null} onClick={onDeactivate}>
            Deactivate
          </button>
        ) : (
          <button type="button" className="btn" data-testid="purser-card-activate" disabled={busy !== null || !canActivate(card)} onClick={onActivate}>
            Activate
          </button>
        )}
        <button type="button" className="btn" data-testid="purser-card-add-auth" disabled={busy !== null || !card.active} onClick={onAdd}>
          Add authorisation…
        </button>
        <button type="button" className="btn" aria-label={`Earlier in the routing order: ${name}`} data-testid="purser-card-up" disabled={busy !== null || first} onClick={() => onMove(-1)}>
          <span aria-hidden="true">↑</span> Earlier
        </button>
        <button type="button" className="btn" aria-label={`Later in the routing order: ${name}`} data-testid="purser-card-down" disabled={busy !== null || last} onClick={() => onMove(1)}>
          <span aria-hidden="true">↓</span> Later
        </button>
      </div>
      <RecordsTable records={view.authorisations} currency={currency} testId="purser-authorisations" caption={`Authorisations of ${name}`} />
      {view.settlements.length > 0 && <RecordsTable records={view.settlements} currency={currency} testId="purser-settlements" caption={`Settlements of ${name}`} />}
    </section>
  );
}

/** Authorisation or settlement records with table 4-22's status and queue words. */
function RecordsTable({ records, currency, testId, caption }: { records: PurserRecord[]; currency: string; testId: string; caption: string }) {
  if (records.length === 0) return null;
  return (
    <table className="grid-table purser-records" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">What</th>
          <th scope="col" className="num">
            Amount
          </th>
          <th scope="col">Status</th>
          <th scope="col">Queue</th>
          <th scope="col">When</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => {
          const words = recordStateWords(r);
          return (
            <tr
              key={r.recordId}
              data-testid="purser-record"
              data-kind={r.kind}
              data-status={r.status}
              data-queue={r.queueStatus}
              data-amount={r.amount}
              // The gateway's invoice for this record, for the e2e's ledger check; never shown as text.
              data-reference={r.reference}
              className={`${r.status === 2 ? 'record-declined' : ''} ${r.voided ? 'record-voided' : ''}`}
            >
              <td>
                {recordKindWords(r)}
                {r.voided ? ' (voided)' : ''}
                {r.awaitingBatch ? ' (waiting for the manager’s batch send)' : ''}
                {r.note && <div className="muted record-note">{r.note}</div>}
              </td>
              <td className="num">{formatMoney(r.amount, currency)}</td>
              <td data-testid="purser-record-status">{words.status}</td>
              <td data-testid="purser-record-queue" className={isTemporaryToken(r) ? 'record-temporary' : undefined}>
                {words.queue}
              </td>
              <td>{new Date(r.createdAt).toLocaleString()}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Register card: pick the PIN pad, then the guest inserts, swipes or taps; the answer comes back here. */
function RegisterCardDialog({ onClose }: { onClose: (r?: Outcome<PurserActionResult>) => void }) {
  const actions = useAppActions();
  const terminal = useAppState((s) => s.status?.terminal);
  const devices = useAppState((s) => s.devices);
  const choices = pinPadChoices(terminal, devices);
  const [terminalId, setTerminalId] = useState<string | null>(choices[0]?.id ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const picked = terminalId ?? choices[0]?.id ?? null;
  const submit = async () => {
    if (!picked) return;
    setBusy(true);
    setError(null);
    const r = await actions.registerCard(picked);
    setBusy(false);
    if (r.ok) onClose(r);
    else setError(r.message);
  };
  return (
    <PurserDialog title="Register a card" testId="register-card-dialog" onClose={() => onClose()} onSubmit={() => void submit()} busy={busy}>
      <p>The guest inserts, swipes or taps the card on the PIN pad. Its token and an initial authorisation are taken; no card number is kept.</p>
      <PinPadChooser choices={choices} value={picked} onChange={setTerminalId} name="register-pin-pad" />
      {busy && (
        <p className="payment-pin-pad" role="status" data-testid="register-card-waiting">
          Insert, swipe or tap the card on the PIN pad…
        </p>
      )}
      <FieldError text={error} testId="register-card-error" />
      <PurserDialogActions busy={busy} onCancel={() => onClose()} submitWords="Read the card" busyWords="Waiting for the card…" submitTestId="register-card-start" submitDisabled={!picked} />
    </PurserDialog>
  );
}

/** Table 4-16: an incremental authorisation added by hand, queued for the gateway. */
function AddAuthorisationDialog({ card, currency, onClose }: { card: CardOnFileSnapshot; currency: string; onClose: (r?: Outcome<PurserActionResult>) => void }) {
  const actions = useAppActions();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const parsed = parseSignedAmount(text, currency);
    if (!parsed.ok || parsed.amount <= 0) {
      setError(parsed.ok ? 'An authorisation is more than zero.' : parsed.message);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const r = await actions.addAuthorisation(card.cardId, parsed.amount);
    setBusy(false);
    if (r.ok) onClose(r);
    else setError(r.message);
  };
  return (
    <PurserDialog title="Add an authorisation" testId="add-auth-dialog" onClose={() => onClose()} onSubmit={() => void submit()} busy={busy} initial={input}>
      <p>
        An incremental authorisation on {cardName(card)}, sent to the card company in turn (it waits in the queue while the ship is offline).
      </p>
      <label className="field">
        Authorisation value
        <input
          ref={input}
          inputMode="decimal"
          value={text}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby={error ? 'add-auth-error' : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          data-testid="add-auth-amount"
        />
      </label>
      <FieldError text={error} id="add-auth-error" testId="add-auth-error" />
      <PurserDialogActions busy={busy} onCancel={() => onClose()} submitWords="Add authorisation" busyWords="Adding…" submitTestId="add-auth-submit" />
    </PurserDialog>
  );
}
