// Journal health, each device's live state, the TRAINING badge and the way to
// the other screens, always in view.

import type { DeviceHealth, StatusSnapshot } from '../../src-shared/domain.ts';
import { useAppActions, useAppState } from '../store/store-context.ts';
import type { Screen } from '../store/manager-slice.ts';
import { plainWords } from './plain-words.ts';

type DeviceSlot = 'terminal' | 'printer' | 'cardReader';

const DEVICE_NOUN: Record<DeviceSlot, string> = { terminal: 'PIN pad', printer: 'Printer', cardReader: 'Card reader' };
const STATE_WORDS: Record<DeviceHealth['state'], string> = {
  none: 'not configured',
  connected: 'ready',
  busy: 'busy',
  disconnected: 'disconnected',
  error: 'error',
};

/** Words for one device: short when it works (the detail is in the tooltip), with the detail when it does not. */
export function deviceText(slot: DeviceSlot, health: DeviceHealth): string {
  const words = `${DEVICE_NOUN[slot]} ${STATE_WORDS[health.state]}`;
  const ok = health.state === 'connected' || health.state === 'busy' || health.state === 'none';
  return ok || !health.detail ? words : `${words}: ${plainWords(health.detail)}`;
}

function DeviceItem({ slot, health }: { slot: DeviceSlot; health: DeviceHealth | undefined }) {
  if (!health) return null;
  const ok = health.state === 'connected' || health.state === 'busy';
  return (
    <span
      className={`status-item ${ok ? 'ok' : health.state === 'none' ? 'muted' : 'bad'}`}
      data-testid={`status-${slot === 'cardReader' ? 'card-reader' : slot}`}
      data-state={health.state}
      title={[health.name, health.detail].filter(Boolean).join(': ')}
    >
      {deviceText(slot, health)}
    </span>
  );
}

const NAV: ReadonlyArray<{ screen: Screen; label: string; key: string }> = [
  { screen: 'register', label: 'Register', key: 'Esc' },
  { screen: 'orphans', label: 'Orphans', key: 'F6' },
  { screen: 'settings', label: 'Settings', key: 'F7' },
  { screen: 'history', label: 'Closed tickets', key: 'F10' },
];

/** The status bar. */
export function StatusBar() {
  const status: StatusSnapshot | null = useAppState((s) => s.status);
  const appInfo = useAppState((s) => s.appInfo);
  const connected = useAppState((s) => s.connection === 'open');
  const screen = useAppState((s) => s.screen);
  const actions = useAppActions();
  if (!status) {
    return (
      <header className="status-bar" data-testid="status-bar">
        <h1 className="status-item status-register">Loading status…</h1>
      </header>
    );
  }
  const { journal } = status;
  return (
    <header className="status-bar" data-testid="status-bar">
      <h1 className="status-item status-register" data-testid="status-register">
        {status.registerName || status.registerId}
        {appInfo ? <span className="status-version"> v{appInfo.version}</span> : null}
      </h1>
      {status.trainingMode && (
        <span className="badge badge-training" data-testid="training-badge" title="Simulators are in use: no real card is charged">
          TRAINING
        </span>
      )}
      {/* The states share one line and are cut with an ellipsis (full text in the tooltip) rather than wrap the bar. */}
      <div className="status-items">
      {!connected && (
        <span className="status-item bad" data-testid="status-host">
          Host unreachable (last known states)
        </span>
      )}
      <span
        className={`status-item ${journal.healthy ? 'ok' : 'bad'}`}
        data-testid="status-journal"
        data-healthy={journal.healthy ? 'true' : 'false'}
      >
        {journal.healthy ? 'Journal healthy' : `Journal problem: ${journal.message ?? 'unknown'}`}
      </span>
      <DeviceItem slot="terminal" health={status.terminal} />
      <DeviceItem slot="printer" health={status.printer} />
      <DeviceItem slot="cardReader" health={status.cardReader} />
      </div>
      <nav className="status-nav" aria-label="Screens">
        {NAV.map((n) => (
          <button
            key={n.screen}
            type="button"
            className={`nav-btn ${screen === n.screen ? 'current' : ''}`}
            aria-current={screen === n.screen ? 'page' : undefined}
            data-testid={`nav-${n.screen}`}
            onClick={() => actions.showScreen(n.screen)}
          >
            {n.label} <kbd>{n.key}</kbd>
          </button>
        ))}
      </nav>
    </header>
  );
}
