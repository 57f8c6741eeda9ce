// Journal health, each device's live state, the TRAINING badge and the way to
// the other screens, always in view.

import type { DeviceHealth, StatusSnapshot } from '../../../src-shared/domain.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import type { Screen } from '../../store/manager-slice.ts';
import { deviceWords, journalWords, storeWords, type DeviceRole, type StatusWords } from './status-words.ts';
import { SignedInBadge } from '../manager/signed-in-badge.tsx';

/** A short label on the bar; the whole sentence in the tooltip and for screen readers. */
function StatusItem({ words, tone, testId, attrs }: { words: StatusWords; tone: 'ok' | 'bad' | 'muted'; testId: string; attrs?: Record<string, string> }) {
  return (
    <span className={`status-item ${tone}`} data-testid={testId} title={words.full} {...attrs}>
      <span aria-hidden="true">{words.short}</span>
      <span className="sr-only">{words.full}</span>
    </span>
  );
}

function DeviceItem({ role, health }: { role: DeviceRole; health: DeviceHealth | undefined }) {
  if (!health) return null;
  const ok = health.state === 'connected' || health.state === 'busy';
  return (
    <StatusItem
      words={deviceWords(role, health)}
      tone={ok ? 'ok' : health.state === 'none' ? 'muted' : 'bad'}
      testId={`status-${role === 'cardReader' ? 'card-reader' : role}`}
      attrs={{ 'data-state': health.state }}
    />
  );
}

const NAV: ReadonlyArray<{ screen: Screen; label: string; key?: string; storeOnly?: true }> = [
  { screen: 'register', label: 'Register', key: 'Esc' },
  { screen: 'orphans', label: 'Orphans', key: 'F6' },
  { screen: 'settings', label: 'Settings', key: 'F7' },
  { screen: 'history', label: 'Closed tickets', key: 'F10' },
  { screen: 'settlement', label: 'Settlements', key: 'F3' },
  { screen: 'endOfDay', label: 'End of day', key: 'F5' },
  // No F-key left that a browser lets us keep (F11 full screen, F12 tools): reached from here.
  { screen: 'staff', label: 'Staff' },
  { screen: 'batch', label: 'Batch close' },
  { screen: 'inDoubt', label: 'In doubt' },
  // The purser's desk (issue 12): F1, shown in the register's key legend; its key hint would push the bar to a third line at 1024 px.
  { screen: 'purser', label: 'Purser' },
  // Only registers that are part of a store (status.store set) have a store queue; without it the bar stays two lines at 1024 px.
  { screen: 'storeQueue', label: 'Store queue', storeOnly: true },
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
      {/* The states share one line with short labels that fit at 1024 px; the whole sentence is the tooltip and what a screen reader reads. */}
      <div className="status-items">
      {!connected && (
        <StatusItem
          words={{ short: 'Host offline', full: 'Host unreachable: the states shown are the last known ones.' }}
          tone="bad"
          testId="status-host"
        />
      )}
      <StatusItem
        words={journalWords(journal)}
        tone={journal.healthy ? 'ok' : 'bad'}
        testId="status-journal"
        attrs={{ 'data-healthy': journal.healthy ? 'true' : 'false' }}
      />
      <DeviceItem role="terminal" health={status.terminal} />
      <DeviceItem role="printer" health={status.printer} />
      <DeviceItem role="cardReader" health={status.cardReader} />
      {/* Only registers that are part of a store show the store link; selling never depends on it. */}
      {status.store && (
        <StatusItem
          words={storeWords(status.store)}
          tone={status.store.state === 'connected' ? (status.store.backlogEvents > 0 ? 'muted' : 'ok') : status.store.state === 'connecting' ? 'muted' : 'bad'}
          testId="status-store"
          attrs={{ 'data-state': status.store.state, 'data-backlog': String(status.store.backlogEvents) }}
        />
      )}
      </div>
      <nav className="status-nav" aria-label="Screens">
        {NAV.filter((n) => !n.storeOnly || status.store).map((n) => (
          <button
            key={n.screen}
            type="button"
            className={`nav-btn ${screen === n.screen ? 'current' : ''}`}
            aria-current={screen === n.screen ? 'page' : undefined}
            data-testid={`nav-${n.screen}`}
            onClick={() => actions.showScreen(n.screen)}
          >
            {n.label}{n.key ? <> <kbd>{n.key}</kbd></> : null}
          </button>
        ))}
      </nav>
      <SignedInBadge />
    </header>
  );
}
