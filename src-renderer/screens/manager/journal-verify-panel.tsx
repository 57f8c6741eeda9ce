// "Verify journal" on the manager's settings screen: runs journal.verify (off
// the host's thread, so the register keeps working) and shows the result in
// plain words (journal-verify-words.ts), each break labelled.

import { useState } from 'react';
import { useAppActions } from '../../store/store-context.ts';
import { verifyWords, type VerifyWords } from './journal-verify-words.ts';

/** The journal check panel. */
export function JournalVerifyPanel() {
  const actions = useAppActions();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyWords | { error: string } | null>(null);

  const verify = async () => {
    setBusy(true);
    setResult(null);
    try {
      const r = await actions.verifyJournal();
      setResult(r.ok ? verifyWords(r.value) : { error: r.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid="journal-verify-panel">
      <h2>Journal</h2>
      <p className="muted">Checks every recorded change and that each ticket and payment matches its history. The register keeps working meanwhile.</p>
      <button type="button" className="btn btn-small" data-testid="journal-verify" disabled={busy} onClick={() => void verify()}>
        {busy ? 'Verifying…' : 'Verify journal'}
      </button>
      {result && 'error' in result && (
        <p className="banner banner-error" role="alert" data-testid="journal-verify-result" data-ok="false">
          {result.error}
        </p>
      )}
      {result && !('error' in result) && (
        <div data-testid="journal-verify-result" data-ok={result.ok ? 'true' : 'false'}>
          <p className={`banner ${result.ok ? 'banner-ok' : 'banner-error'}`} role={result.ok ? 'status' : 'alert'}>
            {result.headline}
          </p>
          {result.lines.length > 0 && (
            <ul data-testid="journal-verify-breaks">
              {result.lines.map((l, i) => (
                <li key={i} data-kind={l.kind}>
                  <strong>{l.label}:</strong> {l.text} <span className="muted">For support: {l.detail}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
