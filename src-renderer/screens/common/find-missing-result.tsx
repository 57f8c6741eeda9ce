// What Find Missing Payments found: the report's words, the payments it
// attached to tickets, and the charges it queued as orphans for a manager.

import type { FindMissingReport } from '../../../src-shared/domain.ts';
import { formatMoney } from './money-format.ts';

/** The report of one Find Missing Payments run. */
export function FindMissingResult({ report }: { report: FindMissingReport }) {
  return (
    <div className="find-missing" data-testid="find-missing-report" data-attached={report.attached.length} data-orphans={report.orphans.length}>
      <p className="find-missing-message" data-testid="find-missing-message">
        {report.message}
      </p>
      {report.attached.length > 0 && (
        <>
          <h3>Attached to their tickets</h3>
          <ul data-testid="find-missing-attached">
            {report.attached.map((a) => (
              <li key={a.id}>
                {a.ecrRef}: {formatMoney(a.amountApproved, a.currency)} {a.maskedPan ? `card ${a.maskedPan}` : ''} {a.authCode ? `auth ${a.authCode}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {report.orphans.length > 0 && (
        <>
          <h3>Not matched: sent to the orphan list for a manager</h3>
          <ul data-testid="find-missing-orphans">
            {report.orphans.map((o) => (
              <li key={o.id}>
                Invoice {o.invoice || '(none)'}: {formatMoney(o.amount, o.currency)} {o.maskedPan ? `card ${o.maskedPan}` : ''} — {o.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
