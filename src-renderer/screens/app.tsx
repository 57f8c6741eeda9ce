// The window: status bar on top, connection banner when the host is away, the register below.

import { CONNECTION_LOST_MESSAGE } from '../api/client-transport.ts';
import { useAppState } from '../store/store-context.ts';
import { RegisterScreen } from './register-screen.tsx';
import { StatusBar } from './status-bar.tsx';

/** The whole renderer. */
export function App() {
  const connection = useAppState((s) => s.connection);
  return (
    <div className="app">
      <StatusBar />
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
      <RegisterScreen />
    </div>
  );
}
