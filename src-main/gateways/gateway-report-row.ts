// One transaction of a gateway report, as the client reads it: the row type
// reconcile (Find Missing), the payment resolver and the host's gateway port
// share. In its own file so those rooms name the report row without importing
// the client (and the batch reports to come can share it).

import type { CardBrand, EntryMode } from '../../src-shared/card.ts';

/** One transaction of the report. */
export interface GatewayReportRow {
  refNum: string;
  /** Minor units. */
  amount: number;
  currency: string;
  enteredAt: number;
  invoice: string;
  maskedPan: string;
  cardBrand: CardBrand;
  result: 'approved' | 'declined' | 'error';
  responseError: string;
  voided: boolean;
  command: string;
  authCode?: string;
  deviceId?: string;
  entryMode?: EntryMode;
}
