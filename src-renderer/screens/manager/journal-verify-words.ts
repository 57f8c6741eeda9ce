// Plain words for a `journal.verify` report on the manager's settings screen:
// one headline, and one labelled line per break saying what it means. The
// technical detail (event numbers, table and row) stays available for support.

import type { JournalBreak, JournalVerifyReport } from '../../../src-shared/domain.ts';

/** One break as the manager reads it. */
export interface VerifyBreakLine {
  kind: JournalBreak['kind'];
  /** Short label, e.g. "History lost", "State mismatch". */
  label: string;
  /** What it means, in plain words. */
  text: string;
  /** The verifier's own words, for support. */
  detail: string;
}

/** The whole result as the manager reads it. */
export interface VerifyWords {
  ok: boolean;
  headline: string;
  lines: VerifyBreakLine[];
}

const LABELS: Record<JournalBreak['kind'], string> = {
  hash_mismatch: 'Changed record',
  prev_hash_mismatch: 'Broken link',
  sequence_gap: 'Missing records',
  truncated: 'Cut-off end',
  head_mismatch: 'End does not match',
  history_lost: 'History lost',
  state_mismatch: 'State mismatch',
};

/** What a state table's row is, for a person. */
const ROWS: Record<string, string> = {
  payment_attempts: 'A card payment',
  tickets: 'A ticket',
  ticket_lines: 'A line of a ticket',
  cash_tenders: 'A cash payment',
};

function meaning(b: JournalBreak): string {
  switch (b.kind) {
    case 'hash_mismatch':
      return 'A recorded change was altered after it was written.';
    case 'prev_hash_mismatch':
      return 'A recorded change was removed or put out of order.';
    case 'sequence_gap':
      return 'Recorded changes are missing from the middle of the journal.';
    case 'truncated':
      return 'The most recent changes were cut off the end of the journal.';
    case 'head_mismatch':
      return 'The end of the journal does not match its last recorded change.';
    case 'history_lost':
      return 'Changes this register had confirmed are missing from the journal (its "-wal" file was probably deleted or damaged). Payments are stopped until it is put back.';
    case 'state_mismatch':
      return `${(b.table && ROWS[b.table]) ?? 'A saved record'} differs from the history that produced it: it was changed outside the app.`;
  }
}

/** The report of journal.verify in plain words. */
export function verifyWords(r: JournalVerifyReport): VerifyWords {
  const changes = `${r.events.toLocaleString('en-US')} recorded change${r.events === 1 ? '' : 's'}`;
  if (r.ok) {
    return { ok: true, headline: `The journal is intact: ${changes} checked, and every ticket and payment matches its history.`, lines: [] };
  }
  const lines = r.breaks.map((b) => ({ kind: b.kind, label: LABELS[b.kind], text: meaning(b), detail: b.detail }));
  const problems = lines.length + (r.integrityOk ? 0 : 1);
  const headline =
    `The journal is NOT intact: ${problems} problem${problems === 1 ? '' : 's'} found in ${changes}. ` +
    'Keep the file (do not delete it) and contact support.' +
    (r.integrityOk ? '' : ' The database file itself is damaged: it failed its integrity check.');
  return { ok: false, headline, lines };
}
