// The purser's desk (issue 12, F1): find a guest on the left (name, cabin or
// cabin card) above the store-and-forward queue; the open guest on the right.
// Everything here is reachable by keyboard; a dialog makes the rest inert.

import { useEffect } from 'react';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { PlainMessage } from '../common/plain-message.tsx';
import { GuestPanel } from './guest-panel.tsx';
import { GuestSearchPanel } from './guest-search-panel.tsx';
import { PurserTrainingPanel } from './purser-training-panel.tsx';
import { QueuePanel } from './queue-panel.tsx';
import './purser.css';

/** The screen. */
export function PurserScreen() {
  const guest = useAppState((s) => s.purserGuest);
  const guestError = useAppState((s) => s.purserGuestError);
  const currency = useAppState((s) => s.appInfo?.currency ?? 'USD');
  const modalOpen = useAppState((s) => s.modalOpen);
  const actions = useAppActions();
  // The commands themselves, not the state object around them: that one is new after every change,
  // and an effect keyed on it would reload the guest after every reload, without end.
  const loadQueue = useAppState((s) => s.loadQueue);
  const reloadGuest = useAppState((s) => s.reloadGuest);
  const loadDevices = useAppState((s) => s.loadDevices);

  useEffect(() => {
    // The queue, the open guest (changed while away) and the PIN pads for the chooser.
    void Promise.all([loadQueue(), reloadGuest(), loadDevices()]);
  }, [loadQueue, reloadGuest, loadDevices]);

  return (
    // The whole screen is inert under a dialog (the dialog is rendered at the body), its scrolling too.
    <main className="manager-screen purser-screen" data-testid="purser-screen" inert={modalOpen}>
      <div className="purser-layout">
        <div className="purser-side">
          <GuestSearchPanel currency={currency} />
          <QueuePanel currency={currency} />
          <div className="toolbar">
            <button type="button" className="btn" data-testid="purser-open-parameters" onClick={() => void actions.openParameters()}>
              Parameters (manager)
            </button>
          </div>
          <PurserTrainingPanel />
        </div>
        <div className="purser-main">
          {guestError && (
            <p className="banner banner-error" role="alert" data-testid="purser-guest-error">
              <span>
                <PlainMessage text={guestError} />
              </span>
            </p>
          )}
          {guest ? (
            <GuestPanel key={guest.guest.guestId} detail={guest} currency={currency} />
          ) : (
            <section className="panel purser-guest-empty" aria-label="No guest open">
              <p className="empty" data-testid="purser-no-guest">
                Search a guest by name or cabin, or swipe the cabin card on the card reader, to open the guest’s folio, cards and invoice.
              </p>
            </section>
          )}
        </div>
      </div>
    </main>
  );
}
