// The purser's settlements in the manager's settlement review (issue 12 §2,
// seed 002 "Settling a Credit Card Batch"): captured folio settlements, refunds
// and direct sales appear beside the register's card payments; a settlement
// voided before it was sent and its void appear only while the purser's "Show
// Void Settlement" parameter is 1. Real simulators, a real journal.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SettlementListRequest } from '../../src-shared/settlement-types.ts';
import { SettlementQuery } from '../settlement/settlement-query.ts';
import { purserRigPerTest, TEST_CARDS } from './purser-test-rig.ts';

const rig = purserRigPerTest();

test('folio settlements appear in the settlement review; voided ones follow the Show Void Settlement parameter', async () => {
  const r = await rig();
  const g = r.guest('Ada Guest', '7012');
  r.present(TEST_CARDS.visa);
  await r.room.service.register(g, 'pad1');
  r.room.service.addPosting(g, 4_000, 'Dinner');
  const paid = await r.room.service.pay(g, 4_000, 'card');
  await r.send();
  const query = new SettlementQuery(r.journal.db, 'USD');
  const list = (showVoided = true) => query.list(SettlementListRequest.parse({}), showVoided);
  const settlement = paid.guest.records.find((x) => x.kind === 'settlement')!;
  const [row] = list().rows;
  assert.deepEqual([row.ecrRef, row.status, row.amount, row.cardBrand, row.guestName, row.cabin, row.entryMode], [settlement.reference, 'approved', 4_000, 'visa', 'Ada Guest', '7012', 'chip']);
  assert.match(row.maskedPan ?? '', /^411111\*+1111$/);

  // A second stay: settlement waits for the batch send, is voided before it goes.
  r.set('automaticSettlement', 0);
  r.present(TEST_CARDS.visa);
  await r.room.service.register(g, 'pad1');
  const second = await r.room.service.pay(g, 2_000, 'card');
  r.room.service.voidPayment(second.guest.payments.at(-1)!.paymentId);
  assert.deepEqual(list().rows.map((x) => x.status).sort(), ['approved', 'void', 'voided']);
  assert.equal(list().total, 3);
  r.set('showVoidedSettlement', 0);
  assert.deepEqual(list().rows.map((x) => x.status), ['approved']);
  assert.equal(list().total, 1);
  r.set('showVoidedSettlement', 1);
  assert.deepEqual(list(false).rows.map((x) => x.status), ['approved'], "the review's own show-voided setting also hides them");
  assert.deepEqual(query.list(SettlementListRequest.parse({ filter: { statuses: ['voided'] } }), true).rows.map((x) => x.amount), [2_000]);
});
