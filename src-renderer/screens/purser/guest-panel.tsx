// The open guest (seed 002 "Guest Handling"): the header with name, cabin,
// embark and disembark dates, status and balance, where invoices go, then the
// tabs Folio, Credit cards and Pay invoice (arrow keys move between tabs, as
// WAI-ARIA tabs do). The last action's words are shown under the header.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { GuestDetail, PurserActionResult } from '../../../src-shared/purser-types.ts';
import type { Outcome } from '../../store/host-api.ts';
import { useAppActions } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { PlainMessage } from '../common/plain-message.tsx';
import { CardsTab } from './cards-tab.tsx';
import { FolioTab } from './folio-tab.tsx';
import { PayInvoiceTab } from './pay-invoice-tab.tsx';
import { cardName, recordKindWords } from './purser-words.ts';
import { newlyDeclined } from './purser-view.ts';

type Tab = 'folio' | 'cards' | 'pay';
const TABS: ReadonlyArray<{ id: Tab; label: string }> = [
  { id: 'folio', label: 'Folio' },
  { id: 'cards', label: 'Credit cards' },
  { id: 'pay', label: 'Pay invoice' },
];

/** "12 Nov 2026" from a local date YYYY-MM-DD, without a time zone shifting it a day. */
function dateWords(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  if (!y || !m || !d) return ymd;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** The panel for one guest. */
export function GuestPanel({ detail, currency }: { detail: GuestDetail; currency: string }) {
  const actions = useAppActions();
  const [tab, setTab] = useState<Tab>('folio');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const tabRefs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const g = detail.guest;
  const dept = detail.paymentDepartment;
  const deptCard = dept.kind === 'card' ? detail.cards.find((c) => c.cardId === dept.cardId) : undefined;

  /** Shows what an action did: the seed's message when main named one, else ours; the host's words on a refusal. */
  const report = (r: Outcome<PurserActionResult>, done?: string) => {
    if (r.ok) setMessage({ ok: true, text: r.value.message ?? done ?? 'Done.' });
    else setMessage({ ok: false, text: r.message });
  };

  // A decline the sender brought back while the guest is open is said here, with what it did to the card (table 4-18).
  const previous = useRef<GuestDetail | null>(null);
  useEffect(() => {
    const fresh = newlyDeclined(previous.current, detail);
    previous.current = detail;
    if (fresh.length === 0) return;
    const words = fresh.map((r) => {
      const card = detail.cards.find((c) => c.cardId === r.cardId);
      const name = card ? cardName(card) : 'the card';
      // A declined settlement says what it did to the folio (main's plain words in the record's note).
      const settled = r.kind === 'settlement' && r.note ? ` ${r.note}` : '';
      return `${recordKindWords(r)} of ${formatMoney(r.amount, currency)} on ${name} was declined.${card && !card.active ? ` ${name} is deactivated.` : ''}${settled}`;
    });
    setMessage({ ok: false, text: `${words.join(' ')}${detail.paymentDepartment.kind === 'cash' ? ' Invoices now go to cash.' : ''}` });
  }, [detail, currency]);

  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : e.key === 'Home' ? TABS[0] : e.key === 'End' ? TABS[TABS.length - 1] : null;
    if (!next) return;
    e.preventDefault();
    setTab(next.id);
    tabRefs.current[next.id]?.focus();
  };

  return (
    <section className="panel purser-guest" aria-labelledby="purser-guest-name" data-testid="purser-guest" data-guest-id={g.guestId}>
      <header className="purser-guest-header" data-testid="purser-guest-header">
        <div className="purser-guest-title">
          <h2 id="purser-guest-name">{g.name}</h2>
          <button type="button" className="btn" data-testid="purser-guest-close" onClick={() => actions.closeGuest()}>
            Close guest
          </button>
        </div>
        <dl className="purser-header-facts">
          <div>
            <dt>Cabin</dt>
            <dd data-testid="purser-guest-cabin">{g.cabin}</dd>
          </div>
          <div>
            <dt>Embark</dt>
            <dd>{dateWords(g.embarkDate)}</dd>
          </div>
          <div>
            <dt>Disembark</dt>
            <dd>{dateWords(g.disembarkDate)}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd data-testid="purser-guest-status">{g.status === 'checked_in' ? 'Checked in' : 'Checked out'}</dd>
          </div>
          <div>
            <dt>Balance</dt>
            <dd className="purser-balance" data-testid="purser-guest-balance" data-amount={detail.balance}>
              {formatMoney(detail.balance, currency)}
            </dd>
          </div>
          <div>
            <dt>Invoices go to</dt>
            <dd data-testid="purser-guest-department">{deptCard ? cardName(deptCard) : 'Cash'}</dd>
          </div>
        </dl>
      </header>
      <p role="status" className={`purser-message ${message ? (message.ok ? 'ok' : 'bad') : ''}`} data-testid="purser-message">
        {message && <PlainMessage text={message.text} />}
      </p>
      <div role="tablist" aria-label="Guest" className="purser-tabs" onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`purser-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`purser-tabpanel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className={`purser-tab ${tab === t.id ? 'current' : ''}`}
            data-testid={`purser-tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'cards' ? ` (${detail.cards.length})` : ''}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`purser-tabpanel-${tab}`} aria-labelledby={`purser-tab-${tab}`} className="purser-tabpanel">
        {tab === 'folio' && <FolioTab detail={detail} currency={currency} report={report} />}
        {tab === 'cards' && <CardsTab detail={detail} currency={currency} report={report} />}
        {/* Keyed by guest: the amount starts again at this guest's balance. */}
        {tab === 'pay' && <PayInvoiceTab key={g.guestId} detail={detail} currency={currency} report={report} />}
      </div>
    </section>
  );
}
