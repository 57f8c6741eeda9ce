// Journal health, terminal state and the TRAINING badge, always in view.

import type { DeviceHealth } from '../../src-shared/domain.ts';
import { useAppState } from '../store/store-context.ts';

const TERMINAL_WORDS: Record<DeviceHealth['state'], string> = {
  none: 'No PIN pad configured',
  connected: 'PIN pad ready',
  busy: 'PIN pad busy',
  disconnected: 'PIN pad disconnected',
  error: 'PIN pad error',
};

/** The status bar. */
export function StatusBar() {
  const status = useAppState((s) => s.status);
  const appInfo = useAppState((s) => s.appInfo);
  const connected = useAppState((s) => s.connection === 'open');
  if (!status) {
    return (
      <header className="status-bar" data-testid="status-bar">
        <span className="status-item">Loading status…</span>
      </header>
    );
  }
  const { journal, terminal } = status;
  // With no PIN pad the host's detail already says so in full; otherwise it qualifies the state.
  const words = TERMINAL_WORDS[terminal.state];
  const terminalText = !terminal.detail ? words : terminal.state === 'none' ? terminal.detail : `${words}: ${terminal.detail}`;
  const terminalOk = terminal.state === 'connected' || terminal.state === 'busy';
  return (
    <header className="status-bar" data-testid="status-bar">
      <span className="status-item status-register" data-testid="status-register">
        {status.registerName || status.registerId}
        {appInfo ? <span className="status-version"> v{appInfo.version}</span> : null}
      </span>
      {status.trainingMode && (
        <span className="badge badge-training" data-testid="training-badge" title="Simulators are in use: no real card is charged">
          TRAINING
        </span>
      )}
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
      <span
        className={`status-item ${terminalOk ? 'ok' : terminal.state === 'none' ? 'muted' : 'bad'}`}
        data-testid="status-terminal"
        data-state={terminal.state}
      >
        {terminalText}
      </span>
    </header>
  );
}
