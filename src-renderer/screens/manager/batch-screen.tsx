// Batch close (issue 11 §2), a manager screen: the PIN pad's open batch with
// its three-way comparison (journal, PIN pad, gateway), every variance line
// with its cause, amounts and the action that resolves it; Resolve and "Sign
// off with a reason" dialogs; Check again; Close batch, refused while a line
// is open; the history of closed batches with their lines and resolutions;
// and the chosen closed batch as a Z report the print stylesheet keeps alone.

import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { VARIANCE_LABELS, type BatchLine, type BatchSnapshot, type BatchSummary, type BatchTotals } from '../../../src-shared/batch-types.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { useFocusTrap } from '../common/focus-trap.ts';
import { formatMoney } from '../common/money-format.ts';

type LineAction = { line: BatchLine; kind: 'resolve' | 'signOff' };

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '');
const STATUS_WORDS: Record<BatchLine['status'], string> = { open: 'Open', resolved: 'Resolved', signed_off: 'Signed off' };

/** Why Close batch cannot go on, in plain words, or null. */
export function closeRefusal(batch: BatchSnapshot): string | null {
  const open = batch.lines.filter((l) => l.status === 'open').length;
  if (open === 0) return null;
  return `The batch cannot be closed: ${open === 1 ? 'one line is' : `${open} lines are`} still open. Resolve each line or sign it off with a reason.`;
}

/** The batch screen. */
export function BatchScreen() {
  const terminal = useAppState((s) => s.status?.terminal);
  const manager = useAppState((s) => s.manager);
  const { openBatch, getBatch, batchHistory, resolveBatchLine, signOffBatchLine, closeBatch, setModalOpen, reviewBatchSettlements } = useAppActions();
  const terminalId = terminal?.configured ? terminal.id : undefined;
  const [batch, setBatch] = useState<BatchSnapshot | null>(null);
  const [history, setHistory] = useState<BatchSummary[] | null>(null);
  const [closed, setClosed] = useState<BatchSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [closeMessage, setCloseMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [acting, setActing] = useState<LineAction | null>(null);

  const check = useCallback(async () => {
    if (!terminalId) return;
    setBusy(true);
    const [r, h] = await Promise.all([openBatch(terminalId), batchHistory(terminalId)]);
    setBusy(false);
    if (r.ok) {
      setBatch(r.value);
      setError(null);
    } else setError(r.message);
    if (h.ok) setHistory(h.value);
  }, [terminalId, openBatch, batchHistory]);
  useEffect(() => {
    void check();
  }, [check]);
  // A manager who signs in after the first look was refused (sign-in cancelled) sees the batch without pressing Check again.
  const refused = useRef(false);
  refused.current = error !== null && batch === null;
  useEffect(() => {
    if (manager && refused.current) void check();
  }, [manager, check]);
  useEffect(() => {
    setModalOpen(acting !== null);
    return () => setModalOpen(false);
  }, [acting, setModalOpen]);

  const refusal = batch ? closeRefusal(batch) : null;
  const close = async () => {
    if (!batch || !terminalId) return;
    if (refusal) {
      setCloseMessage({ ok: false, text: refusal });
      return;
    }
    setBusy(true);
    const r = await closeBatch(terminalId);
    setBusy(false);
    if (!r.ok) {
      setCloseMessage({ ok: false, text: r.message });
      return;
    }
    const mismatch = r.value.lines.some((l) => l.type === 'totals_mismatch');
    setCloseMessage({ ok: !mismatch, text: mismatch ? 'The batch is closed, but the host totals differ from the expected totals: see the Z report.' : 'The batch is closed and the host totals match.' });
    setClosed(r.value);
    await check();
  };

  const showClosed = async (id: string) => {
    const r = await getBatch(id);
    if (r.ok) setClosed(r.value);
    else setError(r.message);
  };

  if (!terminalId) {
    return (
      <main className="manager-screen" data-testid="batch-screen">
        <section className="panel">
          <h2>Batch close</h2>
          <p className="muted">No PIN pad is set up on this register, so there is no batch to close.</p>
        </section>
      </main>
    );
  }

  return (
    <main className="manager-screen batch-screen" data-testid="batch-screen">
      <section className="panel no-print" aria-labelledby="batch-open-title">
        <h2 id="batch-open-title">Open batch: {terminal?.name ?? 'PIN pad'}</h2>
        <div className="toolbar">
          <button type="button" className="btn" onClick={() => void check()} disabled={busy} data-testid="batch-check">
            Check again
          </button>
          {batch && (
            <button
              type="button"
              className="btn"
              onClick={() => reviewBatchSettlements({ batchId: batch.id, label: `open since ${when(batch.openedAt)}` })}
              data-testid="batch-settlements"
            >
              Settlements of this batch
            </button>
          )}
          <button
            type="button"
            className="btn btn-primary"
            // aria-disabled, not disabled: the button stays reachable by Tab and says why when pressed.
            aria-disabled={refusal !== null || busy || !batch}
            aria-describedby={refusal ? 'batch-close-reason' : undefined}
            onClick={() => void close()}
            data-testid="batch-close"
          >
            Close batch
          </button>
          {busy && (
            <span className="muted" role="status">
              Asking the PIN pad and the gateway…
            </span>
          )}
        </div>
        {refusal && (
          <p id="batch-close-reason" className="muted" data-testid="batch-close-reason">
            {refusal}
          </p>
        )}
        {closeMessage && (
          <p className={closeMessage.ok ? 'muted' : 'field-error'} role={closeMessage.ok ? 'status' : 'alert'} data-testid="batch-close-message">
            {closeMessage.text}
          </p>
        )}
        {error && (
          <p className="field-error" role="alert" data-testid="batch-error">
            {error}
          </p>
        )}
        {batch && (
          <>
            <p className="muted">Opened {when(batch.openedAt)}{batch.reconciledAt ? `; last checked ${when(batch.reconciledAt)}` : ''}.</p>
            <Comparison batch={batch} />
            <Lines batch={batch} onAct={setActing} />
          </>
        )}
      </section>

      <section className="panel no-print" aria-labelledby="batch-history-title">
        <h2 id="batch-history-title">Closed batches</h2>
        {history && history.length === 0 && <p className="muted">No batch has been closed on this PIN pad yet.</p>}
        {history && history.length > 0 && (
          <table className="grid-table" data-testid="batch-history">
            <thead>
              <tr>
                <th scope="col">Closed</th>
                <th scope="col" className="num">Expected</th>
                <th scope="col" className="num">Host</th>
                <th scope="col" className="num">Lines</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id} data-testid="batch-history-row">
                  <td>{when(h.closedAt)}</td>
                  <td className="num">{h.expected ? `${h.expected.count} · ${formatMoney(h.expected.amount, batch?.currency ?? 'USD')}` : '—'}</td>
                  <td className="num">{h.host ? `${h.host.count} · ${formatMoney(h.host.amount, batch?.currency ?? 'USD')}` : '—'}</td>
                  <td className="num">{h.lines}</td>
                  <td>
                    <button type="button" className="btn btn-small" data-testid="batch-history-show" onClick={() => void showClosed(h.id)}>
                      Show
                    </button>{' '}
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="batch-history-settlements"
                      onClick={() => reviewBatchSettlements({ batchId: h.id, label: `closed ${when(h.closedAt)}` })}
                    >
                      Settlements
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {closed && <ZReport batch={closed} terminalName={terminal?.name ?? 'PIN pad'} />}

      {acting && (
        <LineDialog
          action={acting}
          currency={batch?.currency ?? 'USD'}
          onCancel={() => setActing(null)}
          onSubmit={async (text) => {
            const r = acting.kind === 'resolve' ? await resolveBatchLine(acting.line.id, text) : await signOffBatchLine(acting.line.id, text);
            if (!r.ok) return r.message;
            setActing(null);
            setCloseMessage(null);
            await check();
            return null;
          }}
        />
      )}
    </main>
  );
}

function totalsCell(t: BatchTotals | null, currency: string) {
  return t ? (
    <>
      <td className="num">{t.count}</td>
      <td className="num">{formatMoney(t.amount, currency)}</td>
    </>
  ) : (
    <td colSpan={2}>Could not be read</td>
  );
}

/** Journal, PIN pad and gateway totals side by side. */
function Comparison({ batch }: { batch: BatchSnapshot }) {
  return (
    <>
      <table className="grid-table batch-comparison" data-testid="batch-comparison">
        <caption>Three-way comparison</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col" className="num">Payments</th>
            <th scope="col" className="num">Net amount</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="batch-source-journal">
            <th scope="row">This register's journal</th>
            {totalsCell(batch.journal, batch.currency)}
          </tr>
          <tr data-testid="batch-source-pad">
            <th scope="row">PIN pad</th>
            {totalsCell(batch.pad, batch.currency)}
          </tr>
          <tr data-testid="batch-source-gateway">
            <th scope="row">Card gateway</th>
            {totalsCell(batch.gateway, batch.currency)}
          </tr>
        </tbody>
      </table>
      {batch.sourceProblems.map((p) => (
        <p key={p} className="field-error" data-testid="batch-source-problem">
          {p}
        </p>
      ))}
    </>
  );
}

const amountOrDash = (n: number | null, currency: string) => (n === null ? '—' : formatMoney(n, currency));

/** The batch's variance lines; open ones carry Resolve and Sign off. */
function Lines({ batch, onAct }: { batch: BatchSnapshot; onAct?: (a: LineAction) => void }) {
  if (batch.lines.length === 0) {
    return (
      <p className="muted" data-testid="batch-no-lines">
        The journal, the PIN pad and the gateway agree: no variance.
      </p>
    );
  }
  return (
    <table className="grid-table batch-lines" data-testid="batch-lines">
      <caption>Variances</caption>
      <thead>
        <tr>
          <th scope="col">What</th>
          <th scope="col">Cause</th>
          <th scope="col" className="num">Journal</th>
          <th scope="col" className="num">PIN pad</th>
          <th scope="col" className="num">Gateway</th>
          <th scope="col" className="num">At stake</th>
          <th scope="col">What to do</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {batch.lines.map((l) => (
          <tr key={l.id} data-testid="batch-line" data-type={l.type} data-status={l.status}>
            <th scope="row">{VARIANCE_LABELS[l.type]}</th>
            <td>{l.cause}</td>
            <td className="num">{formatMoney(l.journalAmount, batch.currency)}</td>
            <td className="num">{amountOrDash(l.padAmount, batch.currency)}</td>
            <td className="num">{amountOrDash(l.gatewayAmount, batch.currency)}</td>
            <td className="num">{formatMoney(l.amount, batch.currency)}</td>
            <td>{l.action}</td>
            <td>
              {l.status === 'open' && onAct ? (
                <span className="batch-line-actions">
                  <button type="button" className="btn btn-small" data-testid="batch-line-resolve" onClick={() => onAct({ line: l, kind: 'resolve' })}>
                    Resolve
                  </button>
                  <button type="button" className="btn btn-small" data-testid="batch-line-sign-off" onClick={() => onAct({ line: l, kind: 'signOff' })}>
                    Sign off with a reason
                  </button>
                </span>
              ) : (
                <span data-testid="batch-line-status">
                  {STATUS_WORDS[l.status]}
                  {l.resolution ? `: ${l.resolution}` : ''}
                  {l.resolvedAt ? ` (${when(l.resolvedAt)})` : ''}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Resolve or sign off one line: what was done, or why it is accepted. */
function LineDialog({ action, currency, onCancel, onSubmit }: { action: LineAction; currency: string; onCancel(): void; onSubmit(text: string): Promise<string | null> }) {
  const ref = useRef<HTMLElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useFocusTrap(ref, input);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const resolve = action.kind === 'resolve';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim().length < 3) {
      setProblem(resolve ? 'Say what was done, in a few words.' : 'Say why this line is accepted, in a few words.');
      return;
    }
    setSending(true);
    const refused = await onSubmit(text.trim());
    setSending(false);
    if (refused) setProblem(refused);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    }
  };
  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <section ref={ref} tabIndex={-1} className="dialog" role="dialog" aria-modal="true" aria-labelledby="batch-dialog-title" aria-describedby="batch-dialog-line" data-testid="batch-line-dialog">
        <h2 id="batch-dialog-title">{resolve ? 'Resolve this line' : 'Sign off with a reason'}</h2>
        <p id="batch-dialog-line">
          {VARIANCE_LABELS[action.line.type]}, {formatMoney(action.line.amount, currency)}: {action.line.action}
        </p>
        <form onSubmit={(e) => void submit(e)}>
          <label htmlFor="batch-dialog-text">{resolve ? 'What was done' : 'Why it is accepted'}</label>
          <input
            id="batch-dialog-text"
            ref={input}
            className="text-input"
            value={text}
            maxLength={500}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'batch-dialog-problem' : undefined}
            onChange={(e) => setText(e.target.value)}
            data-testid="batch-dialog-text"
          />
          {problem && (
            <p id="batch-dialog-problem" className="field-error" role="alert" data-testid="batch-dialog-problem">
              {problem}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onCancel} data-testid="batch-dialog-cancel">
              <kbd>Esc</kbd> Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={sending} data-testid="batch-dialog-submit">
              <kbd>Enter</kbd> {resolve ? 'Resolve' : 'Sign off'}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}

/** A closed batch as its Z report: totals, the host's answer, every line and its resolution. Printable alone. */
function ZReport({ batch, terminalName }: { batch: BatchSnapshot; terminalName: string }) {
  return (
    <section className="panel z-report" aria-labelledby="z-report-title" data-testid="batch-z-report">
      <h2 id="z-report-title">Z report: {terminalName}</h2>
      <div className="toolbar no-print">
        <button type="button" className="btn" onClick={() => window.print()} data-testid="batch-print">
          Print Z report
        </button>
      </div>
      <p>
        Opened {when(batch.openedAt)}; closed {when(batch.closedAt)}.
      </p>
      <table className="grid-table" data-testid="z-report-totals">
        <caption>Totals</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col" className="num">Payments</th>
            <th scope="col" className="num">Net amount</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Expected</th>
            {totalsCell(batch.expected, batch.currency)}
          </tr>
          <tr>
            <th scope="row">Host{batch.host?.batchNumber ? ` (batch ${batch.host.batchNumber})` : ''}</th>
            {totalsCell(batch.host, batch.currency)}
          </tr>
          <tr>
            <th scope="row">This register's journal</th>
            {totalsCell(batch.journal, batch.currency)}
          </tr>
        </tbody>
      </table>
      <Lines batch={batch} />
    </section>
  );
}
