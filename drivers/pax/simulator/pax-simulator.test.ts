import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containsFullPan } from '../../../src-shared/card.ts';
import { InMemoryProcessor } from './in-memory-processor.ts';
import { encodeFrame, ETX, STX } from '../pax-frame.ts';
import { decodeResponse, decodeStatusReport, isStatusFrame, type PaxCreditRequest, type PaxCreditResponse, type PaxReportResponse, type PaxResponse } from '../pax-messages.ts';
import { PaxSimulator } from './pax-simulator.ts';
import { connectTcp, tcpRequest, type RawLink } from './pax-simulator-test-rig.ts';

const CLOCK = (): Date => new Date('2026-03-04T05:06:07Z');

function sale(ecrRef: string, amount: number, extra: Partial<PaxCreditRequest> = {}): PaxCreditRequest {
  return { command: 'T00', transType: 'sale', amount, ecrRef, ...extra };
}

function t01(res: PaxResponse): PaxCreditResponse {
  assert.equal(res.command, 'T01');
  return res as PaxCreditResponse;
}

describe('PAX simulator over TCP', () => {
  let sim: PaxSimulator;
  let processor: InMemoryProcessor;
  let port: number;
  const open: { destroy(): void }[] = [];

  beforeEach(async () => {
    processor = new InMemoryProcessor({ clock: CLOCK });
    sim = new PaxSimulator({ deviceId: 'LANE1', processor, clock: CLOCK, cardTimeMs: 10, ackTimeoutMs: 300 });
    port = await sim.listenTcp(0);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.destroy();
    await sim.close();
  });

  async function link(): Promise<RawLink> {
    const { link: l, socket } = await connectTcp(port);
    open.push(socket);
    return l;
  }
  const ask = (req: Parameters<typeof tcpRequest>[1]): Promise<PaxResponse> => tcpRequest(port, req);
  const approvedCharges = (invoice: string): number => processor.charges().filter((c) => c.invoice === invoice).length;

  test('A00 answers A01 with model and serial number', async () => {
    const res = await ask({ command: 'A00' });
    assert.equal(res.command, 'A01');
    assert.equal(res.resultCode, '000000');
    if (res.command === 'A01') {
      assert.equal(res.model, 'A920');
      assert.equal(res.serialNumber, 'SIMLANE1');
    }
  });

  test('a sale is approved, charged once through the processor, and kept in the batch', async () => {
    const res = t01(await ask(sale('R1T1P1', 1250)));
    assert.equal(res.resultCode, '000000');
    assert.equal(res.amountApproved, 1250);
    assert.equal(res.amountDue, 0);
    assert.equal(res.account.maskedPan, '411111******1111');
    assert.equal(res.account.cardBrand, 'visa');
    assert.equal(res.account.entryMode, 'chip');
    assert.equal(res.trace.ecrRef, 'R1T1P1');
    assert.equal(res.trace.terminalRef, '1');
    assert.equal(res.trace.timestamp, '20260304050607');
    const charges = processor.charges();
    assert.equal(charges.length, 1);
    // HRef (mixed case on the wire) is the follow-up reference; host subfield 4 is another number (item 1).
    assert.equal(res.additional.HREF, charges[0].refNum);
    assert.notEqual(res.host.hostRef, charges[0].refNum);
    assert.equal(res.resultText, 'OK');
    assert.equal(res.host.message, 'APPROVAL');
    assert.equal(res.host.authCode, charges[0].authCode);
    assert.equal(charges[0].invoice, 'R1T1P1');
    assert.equal(charges[0].deviceId, 'LANE1');
    assert.equal(sim.records().length, 1);
    assert.deepEqual(sim.processorCharges(), charges);
  });

  test('presented card is read by the next transaction only; no full PAN anywhere', async () => {
    sim.presentCard({ pan: '5555555555554444', entryMode: 'contactless' });
    const mc = t01(await ask(sale('R1T2P1', 500)));
    assert.equal(mc.account.maskedPan, '555555******4444');
    assert.equal(mc.account.cardBrand, 'mastercard');
    assert.equal(mc.account.entryMode, 'contactless');
    const next = t01(await ask(sale('R1T3P1', 500)));
    assert.equal(next.account.cardBrand, 'visa');
    assert.equal(containsFullPan(JSON.stringify([sim.records(), processor.ledger()])), false);
    assert.throws(() => sim.presentCard({ pan: '4111111111111112' }), /not a valid card number/);
  });

  test('decline rules: decline card, amount ending in 51; partial approval for 52', async () => {
    sim.presentCard({ pan: '4000000000000002' });
    const byCard = t01(await ask(sale('R1T4P1', 1000)));
    assert.equal(byCard.resultCode, '000100');
    assert.equal(byCard.amountApproved, 0);
    const byAmount = t01(await ask(sale('R1T5P1', 1051)));
    assert.equal(byAmount.resultCode, '000100');
    const partial = t01(await ask(sale('R1T6P1', 2052)));
    assert.equal(partial.resultCode, '000002');
    assert.equal(partial.amountApproved, 1026);
    assert.equal(partial.amountDue, 1026);
    assert.equal(processor.charges().length, 1);
    assert.deepEqual(sim.records().map((r) => r.resultCode), ['000100', '000100', '000002']);
  });

  test('duplicate check on: the same sale again answers 100011 and is not sent to the processor', async () => {
    const first = t01(await ask(sale('R2T1P1', 800)));
    assert.equal(first.resultCode, '000000');
    const again = t01(await ask(sale('R2T1P1', 800)));
    assert.equal(again.resultCode, '100011');
    assert.equal(again.resultText, 'DUP TRANSACTION');
    assert.equal(processor.requests().length, 1, 'the device refused it locally');
    // the override flag lets a deliberate repeat through both checks
    const forced = t01(await ask(sale('R2T1P1', 800, { allowDuplicate: true })));
    assert.equal(forced.resultCode, '000000');
    assert.equal(approvedCharges('R2T1P1'), 2);
  });

  test('duplicate window holds only the most recent transaction; the processor still catches the older one', async () => {
    await ask(sale('R3T1P1', 900));
    await ask(sale('R3T2P1', 900));
    const older = t01(await ask(sale('R3T1P1', 900)));
    assert.equal(older.resultCode, '100011');
    const ledger = processor.requests().filter((e) => e.invoice === 'R3T1P1');
    assert.deepEqual(ledger.map((e) => e.result), ['approved', 'duplicate'], 'the device forwarded it, the processor refused it');
    assert.equal(older.additional.HREF, ledger[0].refNum, 'the duplicate answer points at the original approval');
    assert.equal(approvedCharges('R3T1P1'), 1);
  });

  test('duplicate check off: the repeat goes to the processor', async () => {
    sim.setDuplicateCheck(false);
    await ask(sale('R4T1P1', 700));
    const again = t01(await ask(sale('R4T1P1', 700)));
    assert.equal(again.resultCode, '100011');
    assert.equal(processor.requests().length, 2);
    assert.equal(approvedCharges('R4T1P1'), 1);
  });

  test('reboot forgets the duplicate window (and keeps the batch)', async () => {
    await ask(sale('R5T1P1', 600));
    sim.reboot();
    const again = t01(await ask(sale('R5T1P1', 600)));
    assert.equal(again.resultCode, '100011');
    assert.equal(processor.requests().length, 2, 'after the reboot the device no longer recognised it');
    assert.equal(sim.records().length, 2);
  });

  test('offline: approved offline, queued, uploaded later by an explicit call', async () => {
    sim.setOffline(true);
    const res = t01(await ask(sale('R6T1P1', 4200)));
    assert.equal(res.resultCode, '000001');
    assert.equal(res.amountApproved, 4200);
    assert.equal(processor.requests().length, 0);
    assert.equal(sim.pendingOffline().length, 1);
    const refund = t01(await ask({ command: 'T00', transType: 'return', amount: 100, ecrRef: 'R6T2P1' }));
    assert.equal(refund.resultCode, '100001', 'only sales and auths are stored and forwarded');
    sim.setOffline(false);
    assert.equal(await sim.uploadOffline(), 1);
    assert.equal(await sim.uploadOffline(), 0, 'uploaded once only');
    assert.equal(approvedCharges('R6T1P1'), 1);
    const rec = sim.records().find((r) => r.ecrRef === 'R6T1P1');
    assert.equal(rec?.offline, 'uploaded');
    assert.equal(rec?.hostRef, processor.charges()[0].refNum);
  });

  test('offline upload that the issuer refuses is marked upload_failed', async () => {
    sim.setOffline(true);
    await ask(sale('R6T3P1', 1051));
    sim.setOffline(false);
    processor.setUnavailable(true);
    assert.equal(await sim.uploadOffline(), 0);
    assert.equal(sim.pendingOffline().length, 1, 'still queued while the processor is down');
    processor.setUnavailable(false);
    assert.equal(await sim.uploadOffline(), 0);
    assert.equal(sim.records()[0].offline, 'upload_failed');
    assert.equal(processor.charges().length, 0);
  });

  test('processor unreachable: 100001, recorded, nothing charged', async () => {
    processor.setUnavailable(true);
    const res = t01(await ask(sale('R7T1P1', 100)));
    assert.equal(res.resultCode, '100001');
    assert.equal(sim.records()[0].resultCode, '100001');
    assert.equal(processor.requests().length, 0);
  });

  test('cancel (A14 on its own connection) aborts a transaction waiting for the card; nothing charged', async () => {
    await sim.close();
    sim = new PaxSimulator({ deviceId: 'LANE1', processor, clock: CLOCK, cardTimeMs: 3000 });
    port = await sim.listenTcp(0);
    const l = await link();
    l.send(sale('R8T1P1', 1500));
    assert.equal((await l.next()).type, 'ack');
    await waitFor(() => sim.status().state === 'busy');
    assert.deepEqual(sim.status(), { state: 'busy', command: 'sale', prompt: 'present_card' });
    const a14 = await link();
    a14.send({ command: 'A14' });
    assert.equal((await a14.nextResponse()).type, 'eot', 'a cancel is answered with EOT (item 3)');
    const aborted = await l.nextResponse();
    assert.equal(aborted.type, 'frame');
    const res = t01(decodeResponse(aborted.type === 'frame' ? aborted.fields : []));
    assert.equal(res.resultCode, '100002');
    assert.equal(res.amountApproved, 0);
    assert.equal(processor.requests().length, 0);
    assert.equal(sim.records()[0].resultCode, '100002');
    assert.equal(sim.status().state, 'idle');
    const idle = await link();
    idle.send({ command: 'A14' });
    assert.equal((await idle.nextResponse()).type, 'eot', 'nothing to cancel: EOT as well');
  });

  test('R02 finds a transaction by ECR ref; an unknown ref gives no records', async () => {
    await ask(sale('R9T1P1', 300));
    await ask(sale('R9T2P1', 1051));
    const found = (await ask({ command: 'R02', ecrRef: 'R9T1P1' })) as PaxReportResponse;
    assert.equal(found.command, 'R03');
    assert.equal(found.totalRecords, 1);
    assert.equal(found.record?.resultCode, '000000');
    assert.equal(found.record?.amountApproved, 300);
    assert.equal(found.record?.trace.ecrRef, 'R9T1P1');
    assert.equal(found.record?.transType, 'sale');
    const declined = (await ask({ command: 'R02', ecrRef: 'R9T2P1' })) as PaxReportResponse;
    assert.equal(declined.record?.resultCode, '000100');
    const none = (await ask({ command: 'R02', ecrRef: 'NOPE1' })) as PaxReportResponse;
    assert.equal(none.resultCode, '100023', 'no match answers NOT FOUND (item 2)');
    assert.equal(none.totalRecords, 0);
    assert.equal(none.record, undefined);
  });

  test('void reverses an approved sale in the open batch, at the processor too', async () => {
    const s = t01(await ask(sale('R10T1P1', 2500)));
    const v = t01(await ask({ command: 'T00', transType: 'void', ecrRef: 'R10T1P1V', origRef: s.trace.terminalRef }));
    assert.equal(v.resultCode, '000000');
    assert.equal(v.amountApproved, 2500);
    assert.equal(processor.charges()[0].status, 'voided');
    const again = t01(await ask({ command: 'T00', transType: 'void', ecrRef: 'R10T1P1W', origRef: s.trace.terminalRef }));
    assert.equal(again.resultCode, '100021', 'already voided');
    const unknown = t01(await ask({ command: 'T00', transType: 'void', ecrRef: 'R10T1P1X', origRef: '999999' }));
    assert.equal(unknown.resultCode, '100023', 'original not found');
  });

  test('B00 closes the batch with totals and starts the next one', async () => {
    await ask(sale('R11T1P1', 1000));
    await ask(sale('R11T2P1', 2052)); // partial: 1026
    await ask(sale('R11T3P1', 1051)); // declined
    await ask({ command: 'T00', transType: 'return', amount: 300, ecrRef: 'R11T4P1' });
    const closed = await ask({ command: 'B00', timestamp: '20260304050607' });
    assert.equal(closed.command, 'B01');
    if (closed.command === 'B01') {
      assert.equal(closed.resultCode, '000000');
      assert.equal(closed.totalCount, 3);
      assert.equal(closed.totalAmount, 1000 + 1026 - 300);
      assert.equal(closed.host.batchNumber, '1');
      assert.equal(closed.terminalId, 'LANE1');
    }
    assert.equal(sim.records().length, 0);
    const next = t01(await ask(sale('R11T5P1', 100)));
    assert.equal(next.host.batchNumber, '2');
    assert.equal(next.trace.terminalRef, '5', 'terminal numbers keep counting across batches');
  });

  test('B00 without its host (processor unreachable) closes nothing: 100001 HOST UNAVAILABLE, the batch kept, closed once the host is back', async () => {
    await ask(sale('R12T1P1', 1000));
    processor.setUnavailable(true);
    const refused = await ask({ command: 'B00', timestamp: '20260304050607' });
    assert.equal(refused.command, 'B01');
    if (refused.command === 'B01') {
      assert.equal(refused.resultCode, '100001');
      assert.equal(refused.resultText, 'HOST UNAVAILABLE');
    }
    assert.equal(sim.records().length, 1, 'the batch is still open');
    processor.setUnavailable(false);
    const closed = await ask({ command: 'B00', timestamp: '20260304050609' });
    assert.equal(closed.command === 'B01' && closed.resultCode, '000000');
    assert.equal(sim.records().length, 0);
  });

  test('format errors answer 100003: decimal amount, over-long reference', async () => {
    const l = await link();
    l.write(encodeFrame(['T00', '1.28', '01', ['12.50'], '', ['R12T1P1']]));
    const item = await l.nextResponse();
    assert.equal(item.type, 'frame');
    const res = t01(decodeResponse(item.type === 'frame' ? item.fields : []));
    assert.equal(res.resultCode, '100003');
    assert.equal(res.trace.ecrRef, 'R12T1P1');
    l.write(encodeFrame(['T00', '1.28', '01', ['100'], '', ['R12345678901234567']]));
    const long = await l.nextResponse();
    assert.equal(long.type === 'frame' && decodeResponse(long.fields).resultCode, '100003');
    l.write(encodeFrame(['Z99', '1.28']));
    assert.equal((await l.nextResponse()).type, 'eot', 'an unknown command is refused with EOT');
    assert.equal(processor.requests().length, 0);
  });

  test('garbage, bad LRC and oversized frames get NAK; the simulator keeps serving', async () => {
    const l = await link();
    l.write(Buffer.from('hello garbage \x00\xff\x10', 'latin1'));
    const good = encodeFrame(['A00', '1.28']);
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0x55;
    l.write(bad);
    assert.equal((await l.next()).type, 'nak');
    l.write(Buffer.concat([Buffer.of(STX), Buffer.alloc(9000, 0x41), Buffer.of(ETX, 0)]));
    assert.equal((await l.next()).type, 'nak');
    l.write(Buffer.concat([Buffer.of(STX), Buffer.from('T00\x1c1.28'), good])); // cut short by a new STX
    assert.equal((await l.next()).type, 'nak');
    const res = await l.nextResponse();
    assert.equal(res.type, 'frame');
    assert.equal((await ask({ command: 'A00' })).command, 'A01');
  });

  describe('faults', () => {
    test('drop_response: charged, ACKed, never answered; once means only once', async () => {
      sim.setFault({ kind: 'drop_response' }, { once: true });
      const l = await link();
      l.send(sale('F1T1P1', 1000));
      assert.equal((await l.next()).type, 'ack');
      assert.equal((await l.next(300)).type, 'timeout');
      assert.equal(approvedCharges('F1T1P1'), 1);
      assert.equal(sim.records()[0].resultCode, '000000');
      assert.equal(t01(await ask(sale('F1T2P1', 100))).resultCode, '000000');
    });

    test('delay: the answer comes only after the delay', async () => {
      sim.setFault({ kind: 'delay', ms: 300 }, { once: true });
      const l = await link();
      l.send(sale('F2T1P1', 1000));
      assert.equal((await l.next()).type, 'ack');
      assert.equal((await l.next(150)).type, 'timeout');
      assert.equal(approvedCharges('F2T1P1'), 1, 'charged before the answer');
      const late = await l.nextResponse(2000);
      assert.equal(late.type, 'frame');
    });

    test('reset_mid_frame: half a frame, then the connection drops; the card was charged', async () => {
      sim.setFault({ kind: 'reset_mid_frame' }, { once: true });
      const l = await link();
      l.send(sale('F3T1P1', 1000));
      assert.equal((await l.next()).type, 'ack');
      assert.equal((await l.next()).type, 'closed');
      const bytes = Buffer.concat(l.received);
      assert.ok(bytes.length > 2 && bytes.includes(STX) && !bytes.includes(ETX), 'a partial frame was written');
      assert.equal(approvedCharges('F3T1P1'), 1);
    });

    test('corrupt_lrc once: bad frame first, a NAK gets a good one', async () => {
      sim.setFault({ kind: 'corrupt_lrc' }, { once: true });
      const l = await link();
      l.send(sale('F4T1P1', 1000));
      assert.equal((await l.next()).type, 'ack');
      const first = await l.next();
      assert.equal(first.type === 'error' && first.error.code, 'bad_lrc');
      l.nak();
      assert.equal((await l.next()).type, 'frame');
      assert.equal(approvedCharges('F4T1P1'), 1);
    });

    test('corrupt_lrc persistent: every resend is bad, at most 3 resends', async () => {
      sim.setFault({ kind: 'corrupt_lrc' });
      const l = await link();
      l.send({ command: 'A00' });
      assert.equal((await l.next()).type, 'ack');
      let bad = 0;
      for (;;) {
        const item = await l.next(500);
        if (item.type === 'timeout') break;
        assert.equal(item.type, 'error');
        bad++;
        l.nak();
      }
      assert.equal(bad, 4);
    });

    test('nak_always: every frame is NAKed and nothing is processed until cleared', async () => {
      sim.setFault({ kind: 'nak_always' });
      const l = await link();
      l.send(sale('F5T1P1', 1000));
      assert.equal((await l.next()).type, 'nak');
      l.send(sale('F5T1P1', 1000));
      assert.equal((await l.next()).type, 'nak');
      assert.equal((await l.next(200)).type, 'timeout');
      assert.equal(processor.requests().length, 0);
      sim.setFault(null);
      assert.equal(t01(await l.request(sale('F5T1P1', 1000))).resultCode, '000000');
    });

    test('hang: accepted, never answered, nothing charged', async () => {
      sim.setFault({ kind: 'hang' }, { once: true });
      const l = await link();
      l.send(sale('F6T1P1', 1000));
      assert.equal((await l.next(300)).type, 'timeout');
      assert.equal(processor.requests().length, 0);
      assert.equal(sim.records().length, 0);
    });

    test('reboot fault: the request is dropped with the connection and the duplicate window forgotten', async () => {
      await ask(sale('F7T1P1', 1000));
      sim.setFault({ kind: 'reboot' }, { once: true });
      const l = await link();
      l.send(sale('F7T2P1', 1000));
      assert.equal((await l.next()).type, 'closed');
      assert.equal(approvedCharges('F7T2P1'), 0);
      t01(await ask(sale('F7T1P1', 1000)));
      assert.deepEqual(processor.requests().map((e) => e.result), ['approved', 'duplicate'], 'forwarded after the reboot');
    });

    test('reboot() while waiting for the card drops the request without a charge', async () => {
      await sim.close();
      sim = new PaxSimulator({ deviceId: 'LANE1', processor, cardTimeMs: 3000 });
      port = await sim.listenTcp(0);
      const l = await link();
      l.send(sale('F8T1P1', 1000));
      assert.equal((await l.next()).type, 'ack');
      await waitFor(() => sim.status().state === 'busy');
      sim.reboot();
      assert.equal((await l.next()).type, 'closed');
      assert.equal(processor.requests().length, 0);
      assert.equal(sim.records().length, 0);
      assert.equal((await ask({ command: 'A00' })).resultCode, '000000', 'serving again after the reboot');
    });
  });

  test('ledger records every approval exactly once across retries, duplicates and faults', async () => {
    const approved = new Set<string>();
    for (let i = 1; i <= 12; i++) {
      const ref = `L${i}`;
      if (i % 3 === 0) sim.setFault({ kind: 'drop_response' }, { once: true });
      const first = await tcpRequest(port, sale(ref, 1000 + i), 300).catch(() => null);
      // retry like a careless ECR: the device or the processor must recognise it
      const retry = t01(await ask(sale(ref, 1000 + i)));
      if (first) assert.equal(t01(first).resultCode, '000000');
      assert.equal(retry.resultCode, '100011');
      approved.add(ref);
    }
    const invoices = processor.charges().map((c) => c.invoice);
    assert.equal(invoices.length, approved.size);
    assert.deepEqual(new Set(invoices), approved);
  });
});

describe('PAX simulator construction', () => {
  let sim: PaxSimulator | undefined;
  after(async () => sim?.close());
  before(() => undefined);

  test('rejects a bad device id and bad card time with clear errors', () => {
    assert.throws(() => new PaxSimulator({ deviceId: 'bad id\x1c' }), /deviceId/);
    assert.throws(() => new PaxSimulator({ deviceId: 'ok', cardTimeMs: -1 }), /cardTimeMs/);
  });

  test('processorCharges() is refused for an external processor', async () => {
    sim = new PaxSimulator({ deviceId: 'EXT', processor: { submit: async () => ({ result: 'approved', refNum: '1', amountApproved: 1, text: 'ok' }) } });
    assert.throws(() => sim?.processorCharges(), /external processor/);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('PAX simulator: intermediate status frames (REPORTSTATUS=1)', () => {
  let sim: PaxSimulator;
  let port: number;
  const open: { destroy(): void }[] = [];

  beforeEach(async () => {
    sim = new PaxSimulator({ deviceId: 'LANE2', clock: CLOCK, cardTimeMs: 120, ackTimeoutMs: 300 });
    port = await sim.listenTcp(0);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.destroy();
    await sim.close();
  });

  async function link(): Promise<RawLink> {
    const { link: l, socket } = await connectTcp(port);
    open.push(socket);
    return l;
  }

  /** Frames up to and including the T01 (each ACKed), as command codes with S01 status codes. */
  async function framesUntilT01(l: RawLink): Promise<string[]> {
    const seen: string[] = [];
    for (;;) {
      const item = await l.nextResponse(2000);
      if (item.type !== 'frame') {
        seen.push(item.type);
        return seen;
      }
      if (isStatusFrame(item.fields)) seen.push(`S01:${decodeStatusReport(item.fields).prompt}`);
      else {
        seen.push(item.fields[1]?.[0] ?? '?');
        return seen;
      }
    }
  }

  test('the device reports present card, PIN and authorising between its ACK and the T01', async () => {
    const l = await link();
    l.send(sale('R2T1P1', 1250, { reportStatus: true }));
    assert.equal((await l.next()).type, 'ack', 'the request is acknowledged first');
    assert.deepEqual(await framesUntilT01(l), ['S01:present_card', 'S01:enter_pin', 'S01:authorising', 'T01']);
  });

  test('without REPORTSTATUS=1 (older ECRs) no status frame is sent', async () => {
    const l = await link();
    l.send(sale('R2T2P1', 1250));
    assert.deepEqual(await framesUntilT01(l), ['T01']);
  });

  test('a status frame the ECR answers with NAK is sent again, and the T01 still follows', async () => {
    const l = await link();
    l.send(sale('R2T3P1', 1250, { reportStatus: true }));
    assert.equal((await l.next()).type, 'ack');
    const first = await l.next();
    assert.equal(first.type, 'frame');
    l.nak();
    const again = await l.next();
    assert.ok(again.type === 'frame' && first.type === 'frame');
    assert.deepEqual(again.fields, first.fields);
    l.write(Buffer.of(0x06));
    const rest = await framesUntilT01(l);
    assert.equal(rest.at(-1), 'T01');
  });

  test('faults: a hung device sends no status; a dropped answer still reported its progress; a damaged answer leaves status intact', async () => {
    sim.setFault({ kind: 'hang' }, { once: true });
    const hung = await link();
    hung.send(sale('R2T4P1', 1250, { reportStatus: true }));
    assert.equal((await hung.nextResponse(500)).type, 'timeout');

    sim.setFault({ kind: 'drop_response' }, { once: true });
    const dropped = await link();
    dropped.send(sale('R2T5P1', 1250, { reportStatus: true }));
    assert.deepEqual(await framesUntilT01(dropped), ['S01:present_card', 'S01:enter_pin', 'S01:authorising', 'timeout']);

    sim.setFault({ kind: 'corrupt_lrc' }, { once: true });
    const damaged = await link();
    damaged.send(sale('R2T6P1', 1250, { reportStatus: true }));
    const seen = await framesUntilT01(damaged);
    assert.deepEqual(seen, ['S01:present_card', 'S01:enter_pin', 'S01:authorising', 'error'], 'only the final answer is damaged');
  });
});
