import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessorRequest } from '../../src-shared/processor-link.ts';
import { DECLINED_MASKED_PAN, SimulatedProcessor } from './simulated-processor.ts';

const sale = (over: Partial<ProcessorRequest>): ProcessorRequest => ({
  command: 'sale',
  invoice: 'INV1',
  amount: 1250,
  currency: 'USD',
  cardToken: 'c0ffee',
  maskedPan: '411111******1111',
  cardBrand: 'visa',
  entryMode: 'chip',
  deviceId: 'pad',
  ...over,
});

test('the PAX decline card (known only by its masked number) is declined and leaves a declined ledger row', () => {
  const p = new SimulatedProcessor({ clock: () => 1_000 });
  const r = p.submit(sale({ maskedPan: DECLINED_MASKED_PAN, cardToken: 'a1b2c3' })).response;
  assert.equal(r.result, 'declined');
  assert.equal(p.ledger.summary().declinedCount, 1);
  assert.equal(p.ledger.summary().approvedCount, 0);
  // Another card on the same invoice is then approved: a decline does not block the invoice.
  assert.equal(p.submit(sale({})).response.result, 'approved');
});
