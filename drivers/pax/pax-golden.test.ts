// Golden frames: real PAX answers and the byte layouts public SDKs build and
// parse, each with its source. The driver's decoder must read every real
// answer; the simulator's answers must be read the way those SDKs read them.
// Frames are written in the sources' own notation ([STX] [FS] [US] [ETX]) and
// the LRC byte each source printed is checked, so a transcription slip fails.

import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { InMemoryProcessor } from './simulator/in-memory-processor.ts';
import { ACK, decodeFrame, encodeFrame, lrc } from './pax-frame.ts';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, outcomeForResultCode, type PaxCreditResponse, type PaxReportResponse } from './pax-messages.ts';
import { PaxSimulator } from './simulator/pax-simulator.ts';
import { createPaxTerminal } from './pax-terminal-factory.ts';

/** Turns the sources' bracket notation into bytes, appending the given LRC character. */
function bytes(notation: string, lrcChar: string): Buffer {
  const body = notation.replace(/\[STX\]/g, '\x02').replace(/\[ETX\]/g, '\x03').replace(/\[FS\]/g, '\x1c').replace(/\[US\]/g, '\x1f');
  return Buffer.from(body + lrcChar, 'latin1');
}

// Source: TriplePlayPay/TerminalGateway,
// TerminalGateway.Desktop.WPF/Communications/Terminal/TerminalTransmitter.cs (doc
// comment): a real 1.54 sale answer, LRC '*'. Card data in it is a test card's
// last four only.
const REAL_T01_154 =
  '[STX]0[FS]T01[FS]1.54[FS]000000[FS]OK[FS]00[US]APPROVAL[US]611532[US]410813655763[US][US]3[US]MCC0000135210417[US][US][FS]01[FS]15000[US]0[US]0[US]0[US]0[US]0[US][US][US][US][US][US]0[US]0[US]0[FS]4111[US]4[US]1225[US][US][US][US]02[US]UAT USA/Test Card 07      [US][US][US]0[US][US][US][US][US][US][FS]2[US]256549[US]20240417141959[US][US][US][US][US][FS]0[US]AVS Not Requested.[US][US][US][FS][FS][FS][US]EDCTYPE=CREDIT[US]HRef=200069124602[US]CARDBIN=541333[US]PROGRAMTYPE=0[US]SN=1240334673[US]PINSTATUSNUM=0[US]GLOBALUID=1240334673202404171419590310[US]ARQC=6FD3375A73F0F2DC[US]TVR=0400088000[US]AID=A0000000041010[US]TSI=E800[US]ATC=0026[US]APPLAB=MASTERCARD[US]APPPN=Mastercard[US]IAD=0110200009620000000000000000000000FF[US]CID=00[US]CVM=6[US]userLanguageStatus=1[US][FS][FS][FS][FS][ETX]';

// Source: a PAX interface built on the Global Payments .NET SDK (PaxInterface.cs,
// DoCredit test string, found by its exact text): a real 1.40 timeout answer, LRC '&'.
const REAL_T01_140_TIMEOUT = '[STX]0[FS]T01[FS]1.40[FS]100001[FS]TIMEOUT[ETX]';

describe('PAX golden frames', () => {
  test('the real 1.54 answer: LRC as printed, decoded with HRef apart from host subfield 4', () => {
    const frame = bytes(REAL_T01_154, '*');
    assert.equal(lrc(frame.subarray(1, frame.length - 1)), 0x2a, 'LRC of the transcription matches the one the source printed');
    const res = decodeResponse(decodeFrame(frame)) as PaxCreditResponse;
    assert.equal(res.command, 'T01');
    assert.equal(res.version, '1.54');
    assert.equal(res.resultCode, '000000');
    assert.equal(res.resultText, 'OK');
    assert.equal(outcomeForResultCode(res.resultCode), 'approved');
    assert.equal(res.host.message, 'APPROVAL');
    assert.equal(res.host.authCode, '611532');
    assert.equal(res.host.hostRef, '410813655763');
    assert.equal(res.host.batchNumber, '3');
    // Mixed-case key read case-insensitively (item 1).
    assert.equal(res.additional.HREF, '200069124602');
    assert.equal(res.additional.EDCTYPE, 'CREDIT');
    assert.equal(res.transType, 'sale');
    assert.equal(res.amountApproved, 15000);
    assert.equal(res.tipAmount, 0);
    assert.equal(res.account.maskedPan, '4111');
    assert.equal(res.account.entryMode, 'chip');
    assert.equal(res.account.cardBrand, 'mastercard');
    // Account subfield 3 is the expiry, MMYY (item 24).
    assert.equal(res.account.expiry, '1225');
    assert.deepEqual(res.trace, { terminalRef: '2', ecrRef: '256549', timestamp: '20240417141959' });
  });

  test('the real 1.54 answer through the driver: follow-up ref is HRef, host ref kept apart', async () => {
    // Source frame as above, sent by a raw TCP "terminal": ACK then the answer.
    const server = net.createServer((s) => {
      s.once('data', () => s.write(Buffer.concat([Buffer.of(ACK), bytes(REAL_T01_154, '*')])));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const t = createPaxTerminal({ id: 'g', transport: 'tcp', host: '127.0.0.1', port });
    try {
      const r = await t.sale({ ecrRef: '256549', invoice: '256549', amount: 15000, timeoutMs: 3000 });
      assert.equal(r.outcome, 'approved');
      assert.equal(r.hostRef, '200069124602');
      assert.equal(r.hostReferenceNumber, '410813655763');
      assert.equal(r.authCode, '611532');
      assert.equal(r.expiryMonth, 12);
      assert.equal(r.expiryYear, 2025);
    } finally {
      await t.close();
      server.close();
    }
  });

  test('the real 1.40 timeout answer: LRC as printed, outcome needs a lookup', () => {
    const frame = bytes(REAL_T01_140_TIMEOUT, '&');
    const res = decodeResponse(decodeFrame(frame));
    assert.equal(res.resultCode, '100001');
    assert.equal(res.resultText, 'TIMEOUT');
    assert.equal(outcomeForResultCode(res.resultCode), 'error');
  });

  test('R03 in the .NET layout (globalpayments/dotnet-sdk LocalDetailReport.cs): additional info is field 17', () => {
    // total, record, host, EDC type, type, original type, amount, account, trace, cashier, commercial, check, ext data.
    const fields = [
      '0', 'R03', '1.54', '000000', 'OK', '1', '0', ['00', 'APPROVAL', '611532', '410813655763', '', '3'], '01', '01', '',
      ['15000', '0'], ['4111', '4', '', '', '', '', '02'], ['2', 'R1T1P1', '20240417141959'], ['7'], '', '', ['', 'HRef=200069124602', 'EDCTYPE=CREDIT'],
    ];
    const res = decodeResponse(decodeFrame(encodeFrame(fields))) as PaxReportResponse;
    assert.equal(res.totalRecords, 1);
    assert.equal(res.record?.additional.HREF, '200069124602');
    assert.equal(res.record?.host.hostRef, '410813655763');
    assert.equal(res.record?.resultCode, '000000');
    assert.equal(res.record?.resultText, 'APPROVAL');
    assert.equal(res.record?.trace.ecrRef, 'R1T1P1');
  });

  test('R03 in the Java layout (globalpayments/java-sdk LocalDetailReportResponse.java: host first) is read too', () => {
    const fields = [
      '0', 'R03', '1.54', '000000', 'OK', ['00', 'APPROVAL', '611532', '410813655763', '', '3'], '1', '0', '01', '01', '',
      ['15000', '0'], ['4111', '4', '', '', '', '', '02'], ['2', 'R1T1P1', '20240417141959'], ['7'], '', '', ['HRef=200069124602'],
    ];
    const res = decodeResponse(decodeFrame(encodeFrame(fields))) as PaxReportResponse;
    assert.equal(res.totalRecords, 1);
    assert.equal(res.record?.host.authCode, '611532');
    assert.equal(res.record?.additional.HREF, '200069124602');
  });

  test('R03 not found: 100023 with no body, and the older 000000 with zero records, both read as no match', () => {
    const real = decodeResponse(decodeFrame(encodeFrame(['0', 'R03', '1.54', '100023', 'NOT FOUND']))) as PaxReportResponse;
    assert.equal(real.totalRecords, 0);
    assert.equal(real.record, undefined);
    const older = decodeResponse(decodeFrame(encodeFrame(['0', 'R03', '1.28', '000000', 'OK', '0', '0']))) as PaxReportResponse;
    assert.equal(older.totalRecords, 0);
  });

  test('requests as public clients build them are accepted by the simulator side', () => {
    // cardknox/cardknox-sdk-js src/Pax/transactionApi.js: T00 sale, amount then tip
    // then empty cash back / fee then tax; account with duplicate flag at 6; trace
    // with timestamp at 5; AVS; then FS FS.
    const cardknox = ['T00', '1.28', '01', ['1000', '200', '', '', '80'], ['', '', '', '', '', '1'], ['R1T1P1', 'INV1', '', '', '20260102030405'], ['', ''], '', '', ''];
    const req = decodeRequest(decodeFrame(encodeFrame(cardknox)));
    assert.equal(req.command, 'T00');
    if (req.command === 'T00') {
      assert.equal(req.amount, 1000);
      assert.equal(req.tipAmount, 200);
      assert.equal(req.taxAmount, 80);
      assert.equal(req.allowDuplicate, true);
    }
    // hibou-io/hibou-odoo-suite pos_pax and Global Payments BatchClose: B00 with and without timestamp (item 7).
    assert.deepEqual(decodeRequest(decodeFrame(encodeFrame(['B00', '1.28']))), { command: 'B00', version: '1.28', timestamp: undefined });
    // ECR ref "ans..16" (item 6) and V/SALE, V/RETURN (item 5) with HREF (item 1).
    const voidSale = decodeRequest(decodeFrame(encodeFrame(['T00', '1.28', '17', [''], '', ['00001-001-0001'], '', '', '', '', ['HREF=200069124602']])));
    assert.equal(voidSale.command === 'T00' && voidSale.transType, 'void_sale');
    assert.equal(voidSale.command === 'T00' && voidSale.hostRef, '200069124602');
    const voidReturn = decodeRequest(decodeFrame(encodeFrame(['T00', '1.28', '18', [''], '', ['R1T1P2'], '', '', '', '', ['href=X1']])));
    assert.equal(voidReturn.command === 'T00' && voidReturn.hostRef, 'X1', 'keys read case-insensitively on requests too');
  });

  test('simulator answers are read the way the public parsers read them (cardknox-sdk-js TransactionResponse field indexes)', async () => {
    const processor = new InMemoryProcessor();
    const sim = new PaxSimulator({ deviceId: 'GOLD', processor, cardTimeMs: 0 });
    const port = await sim.listenTcp(0);
    const t = createPaxTerminal({ id: 'g', transport: 'tcp', host: '127.0.0.1', port });
    try {
      const sale = await t.sale({ ecrRef: 'G1', invoice: 'G1', amount: 1200, tipAmount: 200, taxAmount: 50 });
      assert.equal(sale.outcome, 'approved');
      assert.equal(sale.resultText, 'OK');
      assert.equal(sale.amountApproved, 1200, 'tip honoured: the charge is amount plus tip');
      assert.equal(sale.tipAmount, 200);
      assert.equal(sale.taxAmount, 50);
      const charge = processor.charges().find((c) => c.invoice === 'G1');
      assert.equal(charge?.amount, 1200);
      assert.equal(sale.hostRef, charge?.refNum, 'HRef names the gateway reference');
      assert.notEqual(sale.hostReferenceNumber, sale.hostRef);
      // The simulator's own frame split as cardknox-sdk-js splits it: FS fields 3 (code), 4 (text), 5 (host), 13 (additional info).
      const frame = encodeFrame(
        encodeResponse({
          command: 'T01', status: '0', resultCode: '000000', resultText: 'OK', host: { code: '00', message: 'APPROVAL', hostRef: 'X' },
          amountApproved: 1200, amountDue: 0, account: {}, trace: { ecrRef: 'G1' }, additional: { HRef: 'R9' },
        }),
      );
      const parts = frame.subarray(1, frame.length - 2).toString('latin1').split('\x1c');
      assert.equal(parts[3], '000000');
      assert.equal(parts[4], 'OK');
      assert.equal(parts[5].split('\x1f')[1], 'APPROVAL');
      assert.match(parts[13], /HRef=R9/);
      // Void by HREF with type 16 (the driver's choice), then again: 100021; an unknown original: 100023.
      const v = await t.void({ ecrRef: 'G1V', invoice: 'G1V', amount: 1200, originalHostRef: sale.hostRef });
      assert.equal(v.outcome, 'approved');
      const again = await t.void({ ecrRef: 'G1W', invoice: 'G1W', amount: 1200, originalHostRef: sale.hostRef });
      assert.equal(again.resultCode, '100021');
      const none = await t.void({ ecrRef: 'G1X', invoice: 'G1X', amount: 1200, originalHostRef: 'NOPE' });
      assert.equal(none.resultCode, '100023');
      assert.equal(none.outcome, 'declined');
      assert.deepEqual(await t.lookup('NOSUCH1'), [], '100023 NOT FOUND reads as no record');
    } finally {
      await t.close();
      await sim.close();
    }
  });

  test('ACK and answer in one read, or in separate reads after the gap: the driver reads the answer both ways (item 8)', async () => {
    for (const gapMs of [0, 15]) {
      const server = net.createServer((s) => {
        s.once('data', (d) => {
          const req = decodeRequest(decodeFrame(d));
          const ecrRef = req.command === 'T00' ? req.ecrRef : '';
          const answer = encodeFrame(
            encodeResponse({
              command: 'T01', status: '0', resultCode: '000000', resultText: 'OK', host: { code: '00', message: 'APPROVAL', authCode: 'A1' },
              transType: 'sale', amountApproved: 100, amountDue: 0, account: {}, trace: { terminalRef: '1', ecrRef }, additional: { HRef: 'H1' },
            }),
          );
          if (gapMs === 0) s.write(Buffer.concat([Buffer.of(ACK), answer]));
          else {
            s.write(Buffer.of(ACK));
            setTimeout(() => s.write(answer), gapMs);
          }
        });
        s.on('error', () => undefined);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const t = createPaxTerminal({ id: 'g', transport: 'tcp', host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
      try {
        const r = await t.sale({ ecrRef: `GAP${gapMs}`, invoice: `GAP${gapMs}`, amount: 100, timeoutMs: 3000 });
        assert.equal(r.outcome, 'approved', `gap ${gapMs} ms`);
        assert.equal(r.hostRef, 'H1');
      } finally {
        await t.close();
        server.close();
      }
    }
  });

  test('the simulator leaves a gap between its ACK and its answer (item 8)', async () => {
    const sim = new PaxSimulator({ deviceId: 'GAP', processor: new InMemoryProcessor(), cardTimeMs: 0, ackGapMs: 20 });
    const port = await sim.listenTcp(0);
    const sock = net.connect(port, '127.0.0.1');
    try {
      await new Promise<void>((r) => sock.once('connect', () => r()));
      const arrivals: { at: number; first: number }[] = [];
      const done = new Promise<void>((resolve) => {
        sock.on('data', (d) => {
          arrivals.push({ at: performance.now(), first: d[0] });
          if (d.includes(0x03)) resolve();
        });
      });
      const sent = performance.now();
      sock.write(encodeFrame(encodeRequest({ command: 'A00' })));
      await done;
      assert.equal(arrivals[0].first, ACK);
      assert.ok(arrivals.length >= 2, 'ACK and answer came in separate reads');
      assert.ok(arrivals[arrivals.length - 1].at - sent >= 15, 'the answer waited for the gap');
    } finally {
      sock.destroy();
      await sim.close();
    }
  });
});
