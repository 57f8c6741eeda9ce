// The window: status bar on top, connection banner when the host is away, then
// the register or a manager screen (Orphans, Settings).

import { useEffect } from 'react';
import { CONNECTION_LOST_MESSAGE } from '../../api/client-transport.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { managerKeyScreen } from '../manager/manager-keys.ts';
import { OrphansScreen } from '../manager/orphans-screen.tsx';
import { RegisterScreen } from '../cashier/register-screen.tsx';
import { SettingsScreen } from '../manager/settings-screen.tsx';
import { StatusBar } from './status-bar.tsx';
import { HistoryScreen } from '../cashier/history-screen.tsx';

/** True when the key went to a text field or a list box, which own their keys. */
function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
}

/** The whole renderer. */
export function App() {
  const connection = useAppState((s) => s.connection);
  const screen = useAppState((s) => s.screen);
  const modalOpen = useAppState((s) => s.modalOpen);
  const actions = useAppActions();

  useEffect(() => {
    if (screen === 'register') return;
    const onKey = (e: KeyboardEvent) => {
      const next = managerKeyScreen(e, isTyping(e.target));
      if (!next || e.defaultPrevented) return;
      e.preventDefault();
      actions.showScreen(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [screen, actions]);

  return (
    <div className="app">
      {/* Behind an open dialog the bar is inert: Tab and pointer cannot reach it. */}
      <div inert={modalOpen}>
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
      {screen === 'register' && <RegisterScreen />}
      {screen === 'orphans' && <OrphansScreen />}
      {screen === 'settings' && <SettingsScreen />}
      {screen === 'history' && <HistoryScreen />}
    </div>
  );
}
