// The manager's batch close in browser mode, training host: a few tickets paid
// by card on the simulated PIN pad, then a stray charge taken straight at the
// training gateway (a charge no ticket holds, as a virtual terminal would).
// The batch screen shows it as "Charged but not recorded"; Close batch is
// refused with the reason; the line is resolved (keyboard first), any other
// line signed off (mouse); the close goes through and the history and Z report
// show the batch. Scanned with axe-core, shot at 1024×768 and 1920×1080.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { TRAINING_GATEWAY_KEY } from '../src-main/devices/training-devices.ts';
import { TRAINING_MANAGER_PIN } from '../src-main/staff/staff-service.ts';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession, trainingPadConnected } from './fixtures/spec-session.ts';
import { processorLedger, type LedgerRow } from './fixtures/processor-ledger.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'manager-batch';
const STRAY_AMOUNT = 700;
const dir = e2eWorkDir('cashier-e2e-batch-');
const host = new HostProcess(path.join(dir, 'journal.sqlite'), 30_000, { extraArgs: ['--card-time-ms', '300'] });
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];
let gatewayUrl = '';

before(async () => {
  await session.start([host], {
    timeoutMs: 20_000,
    ready: (p) => trainingPadConnected(p),
  });
  ({ page, pageErrors } = session);
  gatewayUrl = await host.trainingGatewayUrl();
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

/** The training processor's ledger: what was really charged. */
const ledger = (): Promise<LedgerRow[]> => processorLedger(gatewayUrl);

/** Rings the hotkeys on a fresh ticket and pays it by card (F4), keyboard only. */
async function payByCard(keys: string): Promise<void> {
  await page.keyboard.press('F9');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 0);
  for (const k of keys) await page.keyboard.press(k);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ticket-line"]').length === n, keys.length);
  await page.keyboard.press('F4');
  await page.locator('[data-testid="payment-dialog"][data-phase="approved"]').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('payment-dialog').waitFor({ state: 'detached' });
}

const openLines = () => page.locator('[data-testid="batch-line"][data-status="open"]');

test('three tickets paid by card, then a stray charge at the gateway no ticket holds', async () => {
  await page.getByTestId('register-screen').waitFor();
  await payByCard('c');
  await payByCard('s');
  await payByCard('cl');
  const sales = (await ledger()).filter((e) => e.kind === 'sale');
  assert.equal(sales.length, 3, 'the processor holds the three charges');
  // The register's invoices are R<code>T<ticket>P<slot>: the stray one takes a ticket number never rung.
  const prefix = /^(R[^T]+T)/.exec(sales[0].invoice)?.[1];
  assert.ok(prefix, sales[0].invoice);
  const res = await fetch(new URL('gatewayjson', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ xKey: TRAINING_GATEWAY_KEY, xVersion: '5.0.0', xSoftwareName: 'VirtualTerminal', xSoftwareVersion: '1.0', xCommand: 'cc:sale', xAmount: '7.00', xToken: 'tok_visa', xInvoice: `${prefix}900P1` }),
  });
  assert.equal(((await res.json()) as { xResult?: string }).xResult, 'A', 'the stray charge was taken');
  assert.equal((await ledger()).filter((e) => e.kind === 'sale').length, 4);
});

test('keyboard: the nav button opens Batch close, the manager signs in, the stray charge is a line; Close batch is refused with the reason', async () => {
  await page.getByTestId('nav-batch').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('batch-screen').waitFor();
  await page.getByTestId('manager-sign-in').waitFor();
  await page.keyboard.type(TRAINING_MANAGER_PIN);
  await page.keyboard.press('Enter');
  await page.getByTestId('manager-sign-in').waitFor({ state: 'hidden' });
  const stray = page.locator('[data-testid="batch-line"][data-type="charged_not_recorded"]');
  await stray.waitFor();
  assert.equal(await stray.getAttribute('data-status'), 'open');
  const strayText = await stray.innerText();
  assert.match(strayText, /Charged but not recorded/);
  assert.match(strayText, /\$7\.00/);
  // Plain words: no invoice reference, address or code in what the manager reads.
  assert.doesNotMatch(await page.getByTestId('batch-lines').innerText(), /127\.0\.0\.1|HTTP|\bR\w+T900P1\b/);
  // The three-way comparison: the gateway holds one charge more than the journal.
  const journalCount = Number((await page.getByTestId('batch-source-journal').locator('td').first().innerText()).trim());
  const gatewayCount = Number((await page.getByTestId('batch-source-gateway').locator('td').first().innerText()).trim());
  assert.equal(journalCount, 3);
  assert.equal(gatewayCount, 4);
  await session.shootAndScan('01-open-batch-with-variance');

  // Close batch stays reachable by keyboard and says why it cannot go on.
  await page.getByTestId('batch-close').focus();
  assert.equal(await page.getByTestId('batch-close').getAttribute('aria-disabled'), 'true');
  await page.keyboard.press('Enter');
  const refusal = page.getByTestId('batch-close-message');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /cannot be closed: .*still open/);
  assert.equal(await page.getByTestId('batch-history-row').count(), 0, 'nothing was closed');
});

test('keyboard: Resolve opens a focus-trapped dialog; Escape cancels; a too-short answer is refused; Enter resolves', async () => {
  const stray = page.locator('[data-testid="batch-line"][data-type="charged_not_recorded"]');
  await stray.getByTestId('batch-line-resolve').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('batch-line-dialog');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'batch-dialog-text');
  // Tab cycles inside the dialog only.
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus stays in the dialog');
  }
  await session.shootAndScan('02-resolve-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await stray.getAttribute('data-status'), 'open');

  await stray.getByTestId('batch-line-resolve').focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.keyboard.type('ok');
  await page.keyboard.press('Enter');
  await page.getByTestId('batch-dialog-problem').waitFor();
  await page.keyboard.type(' - sent to the orphan queue to attach or refund');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await page.locator('[data-testid="batch-line"][data-type="charged_not_recorded"][data-status="resolved"]').waitFor();
  assert.match(await stray.getByTestId('batch-line-status').innerText(), /Resolved: ok - sent to the orphan queue/);
});

test('mouse: any other open line is signed off with a reason; Close batch goes through; history and the Z report show the batch', async () => {
  while ((await openLines().count()) > 0) {
    await openLines().first().getByTestId('batch-line-sign-off').click();
    await page.getByTestId('batch-dialog-text').fill('Checked on the PIN pad receipt roll');
    await page.getByTestId('batch-dialog-submit').click();
    await page.getByTestId('batch-line-dialog').waitFor({ state: 'detached' });
  }
  await page.waitForFunction(() => !document.querySelector('[data-testid="batch-close-reason"]'));
  assert.equal(await page.getByTestId('batch-close').getAttribute('aria-disabled'), 'false');
  await page.getByTestId('batch-close').click();
  await page.getByTestId('batch-close-message').filter({ hasText: /batch is closed/ }).waitFor({ timeout: 60_000 });
  await page.getByTestId('batch-history-row').first().waitFor();
  assert.equal(await page.getByTestId('batch-history-row').count(), 1);
  // The new open batch starts empty.
  await page.getByTestId('batch-no-lines').waitFor();
  const z = page.getByTestId('batch-z-report');
  await z.waitFor();
  const zText = await z.innerText();
  assert.match(zText, /Z report/);
  assert.match(zText, /Charged but not recorded/);
  assert.match(zText, /Resolved: ok - sent to the orphan queue/);
  assert.doesNotMatch(zText, /\b\d{13,19}\b/, 'no full card number');
  await session.shootAndScan('03-closed-history-z-report');

  // History's Show brings the same batch back as its Z report.
  await page.getByTestId('batch-history-show').click();
  await z.getByTestId('batch-line').first().waitFor();
  assert.ok((await z.getByTestId('batch-line').count()) >= 1);
  // Print view: only the Z report is left.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByTestId('status-bar').isVisible(), false);
  assert.equal(await page.getByTestId('batch-history').isVisible(), false);
  assert.equal(await z.isVisible(), true);
  assert.equal(await page.getByTestId('batch-print').isVisible(), false);
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(pageErrors, []);
  // The settlement review opens on this batch's settlements only, then on all of them.
  await page.getByTestId('batch-history-settlements').first().click();
  await page.getByTestId('settlement-screen').waitFor();
  await page.getByTestId('settlement-batch').waitFor();
  await page.waitForFunction(() => /^\d/.test(document.querySelector('[data-testid="settlement-count"]')?.textContent ?? ''));
  const inBatch = Number((await page.getByTestId('settlement-count').innerText()).replace(/[^0-9].*$/, ''));
  assert.equal(inBatch, 3, 'the three card payments of the closed batch');
  await page.getByTestId('settlement-all-batches').click();
  await page.getByTestId('settlement-batch').waitFor({ state: 'detached' });
});
