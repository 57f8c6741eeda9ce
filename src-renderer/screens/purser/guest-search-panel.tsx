// Finding a guest: by name or cabin (the list narrows while typing), or by the
// cabin card: swiped on the HID card reader while the desk is open (the same
// reader and path as staff cards), swiped on a keyboard-style reader into the
// field, or its number typed when the card will not read.

import { useEffect, useRef, useState } from 'react';
import type { GuestSummary } from '../../../src-shared/purser-types.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { FieldError } from '../common/plain-message.tsx';
import { cabinCardNumber } from './purser-view.ts';

/** Waits this long after the last key before searching, so each key does not send a request. */
const SEARCH_DEBOUNCE_MS = 200;

/** The panel. */
export function GuestSearchPanel({ currency }: { currency: string }) {
  const guests = useAppState((s) => s.purserGuests);
  const error = useAppState((s) => s.purserGuestsError);
  const query = useAppState((s) => s.purserQuery);
  const openId = useAppState((s) => s.purserGuest?.guest.guestId ?? null);
  const actions = useAppActions();
  // Effects key on these stable commands, not on the state object (new after every change): keyed on
  // that, the search's debounce restarted with every update and, with updates coming fast, never ran.
  const searchGuests = useAppState((s) => s.searchGuests);
  const awaitCabinCard = useAppState((s) => s.awaitCabinCard);
  const [text, setText] = useState(query);
  const [cardText, setCardText] = useState('');
  const [cardError, setCardError] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    searchRef.current?.focus();
  }, []);
  // While the desk is open and no dialog is, a cabin card swiped on the HID reader opens its guest.
  const modalOpen = useAppState((s) => s.modalOpen);
  useEffect(() => {
    if (modalOpen) return;
    let live = true;
    const wait = async () => {
      while (live) {
        const asked = Date.now();
        const r = await awaitCabinCard();
        if (!live) return;
        if (r.ok) {
          setCardError(null);
          continue;
        }
        // "No cabin card was swiped" just means ask again; a refused card is said.
        if (!/No cabin card was swiped/.test(r.message)) setCardError(r.message);
        // A refusal that came back at once (host away, journal closed) is not asked again in a tight loop.
        if (Date.now() - asked < 1000) await new Promise((res) => setTimeout(res, 2000));
      }
    };
    void wait();
    return () => {
      live = false;
    };
  }, [awaitCabinCard, modalOpen]);
  useEffect(() => {
    const timer = setTimeout(() => void searchGuests(text.trim()), guests === null ? 0 : SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // Only the typed text starts a search (guests is read for the first, undelayed one only).
  }, [text, searchGuests]);

  const openCard = async () => {
    const number = cabinCardNumber(cardText);
    setCardText('');
    if (!number) {
      setCardError('The cabin card could not be read. Swipe it again, or type the number printed on it.');
      return;
    }
    const r = await actions.openGuestByCabinCard(number);
    setCardError(r.ok ? null : r.message);
  };

  const open = (g: GuestSummary) => void actions.openGuest(g.guestId);

  return (
    <section className="panel purser-search" aria-labelledby="purser-search-title" data-testid="purser-search">
      <h2 id="purser-search-title">Guests</h2>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          // Enter opens the guest when exactly one matches.
          if (guests && guests.length === 1) open(guests[0]);
        }}
      >
        <label className="field">
          Name or cabin
          <input ref={searchRef} value={text} maxLength={40} onChange={(e) => setText(e.target.value)} data-testid="purser-search-input" autoComplete="off" />
        </label>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void openCard();
        }}
      >
        <label className="field">
          Cabin card (swipe, or type its number)
          <span className="purser-form-row">
            <input
              value={cardText}
              inputMode="numeric"
              autoComplete="off"
              onChange={(e) => {
                setCardText(e.target.value);
                setCardError(null);
              }}
              aria-invalid={cardError ? 'true' : 'false'}
              aria-describedby={cardError ? 'purser-cabin-card-error' : undefined}
              data-testid="purser-cabin-card"
            />
            <button type="submit" className="btn" data-testid="purser-cabin-card-open">
              Open
            </button>
          </span>
        </label>
        <FieldError text={cardError} id="purser-cabin-card-error" testId="purser-cabin-card-error" />
      </form>
      <FieldError text={error} />
      {guests !== null && guests.length === 0 && (
        <p className="empty" data-testid="purser-search-empty">
          No guest matches.
        </p>
      )}
      {guests !== null && guests.length > 0 && (
        <ul className="purser-guest-list" aria-label="Matching guests">
          {guests.map((g) => (
            <li key={g.guestId}>
              <button
                type="button"
                className={`purser-guest-btn ${openId === g.guestId ? 'current' : ''}`}
                aria-current={openId === g.guestId ? 'true' : undefined}
                data-testid="purser-guest-row"
                data-cabin={g.cabin}
                onClick={() => open(g)}
              >
                <span className="purser-guest-name">{g.name}</span>
                <span className="purser-guest-cabin">Cabin {g.cabin}</span>
                <span className="num">{formatMoney(g.balance, currency)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
