// The window: status bar on top, connection banner when the host is away, then
// the register, a manager screen (Orphans, Settings…) or the purser desk.

import { useEffect } from 'react';
import { CONNECTION_LOST_MESSAGE } from '../../api/client-transport.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { managerKeyScreen } from '../manager/manager-keys.ts';
import { RegisterScreen } from '../cashier/register-screen.tsx';
import { StatusBar } from './status-bar.tsx';
import { HistoryScreen } from '../cashier/history-screen.tsx';
import { ManagerSignInDialog } from '../manager/manager-sign-in-dialog.tsx';
import { lazyScreen, prefetchScreens } from './lazy-screen.tsx';

// The cashier's screens come with the window; the manager's and the purser's load on first use (lazy-screen.tsx).
const OrphansScreen = lazyScreen(async () => (await import('../manager/orphans-screen.tsx')).OrphansScreen);
const SettingsScreen = lazyScreen(async () => (await import('../manager/settings-screen.tsx')).SettingsScreen);
const StaffScreen = lazyScreen(async () => (await import('../manager/staff-screen.tsx')).StaffScreen);
const EndOfDayScreen = lazyScreen(async () => (await import('../manager/end-of-day-screen.tsx')).EndOfDayScreen);
const SettlementReviewScreen = lazyScreen(async () => (await import('../manager/settlement-review-screen.tsx')).SettlementReviewScreen);
const BatchScreen = lazyScreen(async () => (await import('../manager/batch-screen.tsx')).BatchScreen);
const InDoubtScreen = lazyScreen(async () => (await import('../manager/in-doubt-screen.tsx')).InDoubtScreen);
const PurserScreen = lazyScreen(async () => (await import('../purser/purser-screen.tsx')).PurserScreen);
const PurserParametersScreen = lazyScreen(async () => (await import('../purser/purser-parameters-screen.tsx')).PurserParametersScreen);
const StoreQueueScreen = lazyScreen(async () => (await import('../manager/store-queue-screen.tsx')).StoreQueueScreen);

/** True when the key went to a text field or a list box, which own their keys. */
function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
}

/** The whole renderer. */
export function App() {
  const connection = useAppState((s) => s.connection);
  const screen = useAppState((s) => s.screen);
  const modalOpen = useAppState((s) => s.modalOpen);
  const signInOpen = useAppState((s) => s.signInOpen);
  const actions = useAppActions();

  // Once the host answers, the other screens' code is fetched while the window is idle (lazy-screen.tsx).
  useEffect(() => {
    if (connection !== 'open') return;
    const t = setTimeout(prefetchScreens, 1500);
    return () => clearTimeout(t);
  }, [connection]);

  // The manager's settlement review (F3) and end-of-day report (F5) open from any screen, the register's too.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (modalOpen || e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return;
      const next = e.key === 'F3' ? 'settlement' : e.key === 'F5' ? 'endOfDay' : null;
      if (!next) return;
      e.preventDefault(); // F5 would reload the page, F3 open the browser's find bar
      actions.showScreen(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [modalOpen, actions]);

  useEffect(() => {
    if (screen === 'register' || signInOpen) return;
    const onKey = (e: KeyboardEvent) => {
      const next = managerKeyScreen(e, isTyping(e.target));
      if (!next || e.defaultPrevented) return;
      e.preventDefault();
      actions.showScreen(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [screen, actions, signInOpen]);

  return (
    <div className="app">
      {/* Behind an open dialog the bar is inert: Tab and pointer cannot reach it. */}
      <div inert={modalOpen || signInOpen}>
        <StatusBar />
      </div>
      {connection === 'reconnecting' && (
        <div className="banner banner-warn" role="alert" data-testid="connection-lost">
          {CONNECTION_LOST_MESSAGE}
        </div>
      )}
      {connection === 'connecting' && (
        <div className="banner" role="status" data-testid="connecting">
          Connecting to the register host…
        </div>
      )}
      {/* Behind the manager sign-in everything is inert; display: contents keeps the layout as it was. */}
      <div className="screens" style={{ display: 'contents' }} inert={signInOpen}>
        {screen === 'register' && <RegisterScreen />}
        {screen === 'orphans' && <OrphansScreen />}
        {screen === 'settings' && <SettingsScreen />}
        {screen === 'history' && <HistoryScreen />}
        {screen === 'staff' && <StaffScreen />}
        {screen === 'settlement' && <SettlementReviewScreen />}
        {screen === 'endOfDay' && <EndOfDayScreen />}
        {screen === 'batch' && <BatchScreen />}
        {screen === 'inDoubt' && <InDoubtScreen />}
        {screen === 'purser' && <PurserScreen />}
        {screen === 'purserParameters' && <PurserParametersScreen />}
        {screen === 'storeQueue' && <StoreQueueScreen />}
      </div>
      <ManagerSignInDialog />
    </div>
  );
}
