// Turns what the journal holds about a ticket into the receipt the printer
// driver prints. Only journal facts are used (never what a device said a
// moment ago and the journal did not keep), so a reprint tomorrow shows what
// the first print showed.

import type { TicketSnapshot } from '../../src-shared/domain.ts';
import type { ApprovalSource } from '../../src-shared/payment-state-machine.ts';
import type { ReceiptData, ReceiptTender } from '../../drivers/printer/receipt-template.ts';
import type { AttemptRow } from '../journal/attempt-repository.ts';

/** Store details printed at the top and bottom of every receipt. */
export interface ReceiptStore {
  name: string;
  headerLines?: string[];
  footerLines?: string[];
}

/** What a receipt is built from. */
export interface ReceiptSource {
  ticket: TicketSnapshot;
  registerCode?: string;
  /** The payment attempts behind the ticket's card tenders, by id. */
  attempts: ReadonlyMap<string, AttemptRow>;
  store: ReceiptStore;
  training: boolean;
  reprint: boolean;
  formatTime: (iso: string) => string;
}

/** Printed on a reprint, so it is not mistaken for a second purchase. */
export const REPRINT_LINE = 'REPRINT - COPY OF RECEIPT';

/** Printed under a card approval that was pulled in after its answer went missing. */
export const RECOVERED_APPROVAL = 'Recovered approval';

// Every source but the plain answer means the approval was found afterwards (lookup, duplicate answer, Find Missing).
const RECOVERED: ReadonlySet<ApprovalSource> = new Set<ApprovalSource>(['terminal_duplicate', 'terminal_lookup', 'gateway_duplicate', 'gateway_lookup', 'find_missing']);

/** The receipt of a ticket, from journal facts only. */
export function buildReceiptData(s: ReceiptSource): ReceiptData {
  const { ticket } = s;
  const items = ticket.lines.filter((l) => !l.voided).map((l) => ({ description: l.description, quantity: l.quantity, amount: l.lineTotal }));
  const tenders = ticket.tenders.map((t): ReceiptTender => {
    if (t.kind === 'cash') return { kind: 'cash', amount: t.amount, tendered: t.tendered, change: t.change };
    const attempt = t.attemptId ? s.attempts.get(t.attemptId) : undefined;
    const tender: ReceiptTender = { kind: 'card', amount: t.amount, maskedPan: t.maskedPan, brand: t.cardBrand, authCode: t.authCode };
    if (attempt?.entryMode) tender.entryMode = attempt.entryMode;
    if (attempt?.approvalSource && RECOVERED.has(attempt.approvalSource)) tender.approvalSource = RECOVERED_APPROVAL;
    return tender;
  });
  const headerLines = [...(s.store.headerLines ?? []), ...(s.reprint ? [REPRINT_LINE] : [])];
  return {
    storeName: s.store.name,
    headerLines,
    ticketNumber: ticket.number,
    registerId: s.registerCode,
    timestamp: s.formatTime(ticket.updatedAt),
    currency: ticket.currency,
    items,
    totals: { subtotal: items.reduce((sum, i) => sum + i.amount, 0), total: ticket.total },
    tenders,
    footerLines: s.store.footerLines,
    training: s.training,
  };
}

/** "YYYY-MM-DD HH:MM" in the machine's local time: what a customer reads on a receipt. */
export function localReceiptTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
