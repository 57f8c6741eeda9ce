// A manager's voids, refunds, orphan actions and in-doubt queue in browser
// mode, training host (issue 11 §3, §4, §6): a card payment voided from Closed
// tickets (F10), another partly refunded then an over-refund refused in plain
// words; three stray charges of one amount taken at the training gateway (as a
// virtual terminal would) resolved as "keep one, refund the rest"; and a
// payment left in doubt by the training panel's lost-answer scenario, listed
// in the In doubt queue and resolved by Check now. Every money check reads the
// processor's ledger. Keyboard first, then mouse; axe-core on each screen;
// shot at 1024×768 and 1920×1080.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { TRAINING_GATEWAY_KEY } from '../src-main/devices/training-devices.ts';
import { CONTROL_KEY_HEADER } from '../src-main/gateways/simulator/gateway-simulator.ts';
import { TRAINING_MANAGER, TRAINING_MANAGER_PIN } from '../src-main/staff/staff-service.ts';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession, TRAINING_REGISTER_1024 } from './fixtures/spec-session.ts';
import { ledgerForTicket, processorLedger, type LedgerRow } from './fixtures/processor-ledger.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'manager-reversals';
const REGISTER_CODE = '1';
const dir = e2eWorkDir('cashier-e2e-reversals-');
// A lost answer is in doubt after 3 s instead of the default wait.
const host = new HostProcess(path.join(dir, 'journal.sqlite'), 30_000, { extraArgs: ['--card-time-ms', '300', '--sale-timeout-ms', '3000'] });
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];
let gatewayUrl = '';

before(async () => {
  await session.start([host], TRAINING_REGISTER_1024);
  ({ page, pageErrors } = session);
  gatewayUrl = await host.trainingGatewayUrl();
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

/** The training processor's ledger: what was really charged. */
const ledger = (): Promise<LedgerRow[]> => processorLedger(gatewayUrl);

/** Plain words: no address, port, HTTP status, journal id or full card number. */
function assertPlain(text: string, where: string): void {
  assert.doesNotMatch(text, /127\.0\.0\.1|localhost|HTTP|\b[45]\d\d\b|[0-9a-f]{8}-[0-9a-f]{4}-|\b\d{13,19}\b/i, where);
}

/** Rings the hotkeys on a fresh ticket (F9), keyboard only; its number and total. */
async function ring(keys: string): Promise<{ number: number; total: string }> {
  await page.keyboard.press('F9');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 0);
  for (const k of keys) await page.keyboard.press(k);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ticket-line"]').length === n, keys.length);
  return { number: Number(await page.getByTestId('ticket').getAttribute('data-ticket-number')), total: (await page.getByTestId('ticket-total').innerText()).trim() };
}

/** Rings and pays by card (F4), keyboard only. */
async function payByCard(keys: string): Promise<{ number: number; total: string }> {
  if (!(await page.getByTestId('register-screen').isVisible())) await page.getByTestId('nav-register').click();
  await page.getByTestId('register-screen').waitFor();
  const t = await ring(keys);
  await page.keyboard.press('F4');
  await page.locator('[data-testid="payment-dialog"][data-phase="approved"]').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('payment-dialog').waitFor({ state: 'detached' });
  return t;
}

/** Dollars text ("$6.20") to minor units. */
const cents = (money: string): number => Math.round(Number(money.replace(/[^0-9.]/g, '')) * 100);

/** Opens Closed tickets (F10) and the ticket's detail. */
async function openClosedTicket(number: number): Promise<void> {
  await page.keyboard.press('F10');
  await page.getByTestId('history-screen').waitFor();
  await page.getByTestId(`history-ticket-${number}`).waitFor();
  await page.getByTestId(`history-ticket-${number}`).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('history-detail').filter({ hasText: `Ticket #${number}` }).waitFor();
}

/** Picks a training scenario on the last training panel shown. */
async function simulate(scenario: string): Promise<void> {
  const panel = page.getByTestId('training-control').last();
  await panel.getByTestId('training-scenario').selectOption(scenario);
  await panel.getByTestId('training-apply').click();
  await panel.getByTestId('training-message').waitFor();
}

let voided: { number: number; total: string };

test('keyboard: a card payment voided from Closed tickets (F10); the processor shows the sale voided; both sides name the link', async () => {
  voided = await payByCard('c');
  await openClosedTicket(voided.number);
  const reverse = page.getByTestId('history-reverse');
  await reverse.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('reversal-dialog');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'reversal-amount', 'focus starts in the dialog');
  await session.shootAndScan('01-void-or-refund-dialog');
  // Amount left empty: all of it; the batch is open, so it is a void.
  await page.keyboard.press('Tab');
  await page.keyboard.type('customer changed mind');
  await page.keyboard.press('Enter');
  // Reversals are a manager's: the training manager signs in by PIN, then the void goes on.
  await page.getByTestId('manager-sign-in').waitFor();
  await page.keyboard.type(TRAINING_MANAGER_PIN);
  await page.keyboard.press('Enter');
  await page.getByTestId('manager-sign-in').waitFor({ state: 'hidden' });
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  const result = page.getByTestId('history-reversal-result');
  await result.waitFor();
  assert.match(await result.innerText(), new RegExp(`\\${voided.total} given back\\. Nothing is left to give back\\.`));

  const detail = page.getByTestId('history-detail');
  await detail.getByTestId('history-reversal').waitFor();
  const original = detail.getByTestId('history-payment');
  assert.match(await original.innerText(), new RegExp(`Card \\${voided.total}.*given back`, 's'));
  assert.equal(
    (await original.getByTestId('history-reversal-link').innerText()).trim(),
    `Reversed by void ${voided.total} (${TRAINING_MANAGER.name}, customer changed mind)`,
  );
  const reversal = detail.getByTestId('history-reversal');
  assert.match(await reversal.innerText(), new RegExp(`^Void \\${voided.total} to Visa ••••\\d{4}`));
  assert.equal((await reversal.getByTestId('history-reversal-link').innerText()).trim(), `Reverses the card payment of ${voided.total} (${TRAINING_MANAGER.name}, customer changed mind)`);
  assert.equal(await page.getByTestId('history-reverse').count(), 0, 'nothing is left to give back');
  assertPlain(await detail.innerText(), 'history detail');
  await session.shootAndScan('02-voided-reversed-by');

  // Ground truth: the processor holds the sale, voided, and nothing else for this ticket.
  const rows = await ledgerForTicket(gatewayUrl, REGISTER_CODE, voided.number);
  assert.deepEqual(
    rows.filter((r) => r.kind === 'sale').map((r) => [r.status, r.amount]),
    [['voided', cents(voided.total)]],
  );
});

test('mouse: a part asked back before the batch is closed is refused in plain words (nothing sent); after batch close the part is refunded, then an over-refund refused; the processor gave back exactly the part', async () => {
  const paid = await payByCard('s');
  await openClosedTicket(paid.number);
  // The processor refunds only what is settled, and this payment's batch is still open: refused before anything is sent.
  await page.getByTestId('history-reverse').click();
  await page.getByTestId('reversal-amount').fill('1.00');
  await page.getByTestId('reversal-reason').fill('one item returned');
  await page.getByTestId('reversal-submit').click();
  const early = page.getByTestId('reversal-error');
  await early.waitFor();
  const earlyWords = (await early.innerText()).trim();
  assert.equal(
    earlyWords,
    `$1.00 of this ${paid.total} payment cannot be given back yet: the card processor has not settled it (it settles when the batch is closed). ` +
      'Void the whole payment and take the right amount again, or refund the part once the batch is closed. Nothing was given back.',
  );
  assertPlain(earlyWords, 'not-settled refusal');
  await session.shootAndScan('03a-part-refused-before-settlement');
  await page.getByTestId('reversal-dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('reversal-dialog').waitFor({ state: 'detached' });
  assert.deepEqual((await ledgerForTicket(gatewayUrl, REGISTER_CODE, paid.number)).filter((r) => r.kind === 'refund'), [], 'nothing reached the processor');

  // The manager closes the PIN pad's batch (its charges are settled at the processor), then gives the part back.
  await page.getByTestId('nav-batch').click();
  await page.getByTestId('batch-screen').waitFor();
  // The manager signed in for the void; a session that timed out asks again.
  if (await page.getByTestId('manager-sign-in').isVisible()) {
    await page.keyboard.type(TRAINING_MANAGER_PIN);
    await page.keyboard.press('Enter');
    await page.getByTestId('manager-sign-in').waitFor({ state: 'hidden' });
  }
  const openLines = () => page.locator('[data-testid="batch-line"][data-status="open"]');
  await page.waitForFunction(() => !!document.querySelector('[data-testid="batch-close"]'));
  while ((await openLines().count()) > 0) {
    await openLines().first().getByTestId('batch-line-sign-off').click();
    await page.getByTestId('batch-dialog-text').fill('Checked on the PIN pad receipt roll');
    await page.getByTestId('batch-dialog-submit').click();
    await page.getByTestId('batch-line-dialog').waitFor({ state: 'detached' });
  }
  await page.waitForFunction(() => document.querySelector('[data-testid="batch-close"]')?.getAttribute('aria-disabled') === 'false', undefined, { timeout: 30_000 });
  await page.getByTestId('batch-close').click();
  await page.getByTestId('batch-close-message').filter({ hasText: /batch is closed/ }).waitFor({ timeout: 60_000 });
  await page.getByTestId('nav-register').click();
  await page.getByTestId('register-screen').waitFor();
  await openClosedTicket(paid.number);
  await page.getByTestId('history-reverse').click();
  await page.getByTestId('reversal-amount').fill('1.00');
  await page.getByTestId('reversal-reason').fill('one item returned');
  await page.getByTestId('reversal-submit').click();
  await page.getByTestId('reversal-dialog').waitFor({ state: 'detached', timeout: 30_000 });
  const left = cents(paid.total) - 100;
  const leftText = `$${(left / 100).toFixed(2)}`;
  assert.equal((await page.getByTestId('history-reversal-result').innerText()).trim(), `$1.00 given back. ${leftText} of the payment can still be refunded.`);
  const original = page.getByTestId('history-payment');
  await original.getByTestId('history-reversal-link').waitFor();
  assert.equal((await original.getByTestId('history-reversal-link').innerText()).trim(), `Reversed by refund $1.00 (${TRAINING_MANAGER.name}, one item returned)`);
  assert.equal(
    (await page.getByTestId('history-reversal').getByTestId('history-reversal-link').innerText()).trim(),
    `Reverses the card payment of ${paid.total} (${TRAINING_MANAGER.name}, one item returned)`,
  );

  // The whole amount again is more than is left: refused, in plain words, nothing sent.
  await page.getByTestId('history-reverse').click();
  await page.getByTestId('reversal-amount').fill(paid.total.replace('$', ''));
  await page.getByTestId('reversal-reason').fill('refund all');
  await page.getByTestId('reversal-submit').click();
  const refusal = page.getByTestId('reversal-error');
  await refusal.waitFor();
  const words = await refusal.innerText();
  assert.equal(words.trim(), `Only ${leftText} of this ${paid.total} payment can still be given back; ${paid.total} is more than was charged.`);
  assertPlain(words, 'over-refund refusal');
  await session.shootAndScan('03-over-refund-refused');
  await page.getByTestId('reversal-dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('reversal-dialog').waitFor({ state: 'detached' });

  const rows = await ledgerForTicket(gatewayUrl, REGISTER_CODE, paid.number);
  const refunds = rows.filter((r) => r.kind === 'refund' && r.status !== 'declined');
  assert.deepEqual(
    refunds.map((r) => r.amount),
    [100],
    'one refund of $1.00 at the processor, the over-refund never sent',
  );
  const sales = rows.filter((r) => r.kind === 'sale');
  assert.deepEqual(sales.map((r) => r.amount), [cents(paid.total)], 'the sale stands, charged once');
  assert.notEqual(sales[0].status, 'voided');
});

let strayInvoices: string[] = [];

test('three stray charges of one amount at the gateway; Find Missing (Orphans, F6) lists them; keep one on a ticket, refund the rest', async () => {
  await page.getByTestId('nav-register').click();
  // The customer's ticket, left open for the charge to be kept on.
  const open = await ring('c');
  const amount = cents(open.total);
  strayInvoices = [901, 902, 903].map((n) => `R${REGISTER_CODE}T${n}P1`);
  for (const invoice of strayInvoices) {
    const res = await fetch(new URL('gatewayjson', gatewayUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        xKey: TRAINING_GATEWAY_KEY,
        xVersion: '5.0.0',
        xSoftwareName: 'VirtualTerminal',
        xSoftwareVersion: '1.0',
        xCommand: 'cc:sale',
        xAmount: (amount / 100).toFixed(2),
        xToken: 'tok_visa',
        xInvoice: invoice,
      }),
    });
    assert.equal(((await res.json()) as { xResult?: string }).xResult, 'A', 'the stray charge was taken');
  }

  // Keyboard: F6 opens Orphans; Find Missing Payments lists the three.
  await page.keyboard.press('F6');
  await page.getByTestId('orphans-screen').waitFor();
  await page.getByTestId('orphans-find-missing').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="orphan-row"][data-status="open"]').length === 3, undefined, { timeout: 30_000 });
  await session.shootAndScan('04-orphans-found');

  await page.locator('[data-testid="orphan-row"][data-status="open"]').first().getByTestId('orphan-resolve').focus();
  await page.keyboard.press('Enter');
  const panel = page.getByTestId('orphan-actions');
  await panel.getByTestId('orphan-siblings').waitFor();
  assert.equal(await panel.getByTestId('orphan-sibling').count(), 2, 'the two look-alike charges are offered for refund');
  const choice = panel.getByTestId('orphan-ticket-choice').first();
  assert.equal(await choice.isChecked(), true, 'the open ticket of that amount is suggested first');
  assert.match(await panel.locator('label.choice').first().innerText(), new RegExp(`Ticket #${open.number}`));
  await panel.getByTestId('orphan-reason').fill('customer tapped three times, one coffee');
  await session.shootAndScan('05-orphan-keep-one');
  // Mouse: keep this one, refund the two.
  await panel.getByTestId('orphan-keep-one').click();
  const done = page.getByTestId('orphan-action-done');
  await done.waitFor({ timeout: 30_000 });
  const notice = await page.getByTestId('orphan-notice').innerText();
  assert.match(notice, new RegExp(`\\${open.total}`));
  assertPlain(notice, 'customer notice');
  assertPlain(await page.getByTestId('orphan-action-result').innerText(), 'orphan action result');
  await session.shootAndScan('06-orphan-customer-notice');

  // Ground truth: the processor nets exactly one charge of the amount for the three stray invoices. The gateway has
  // not settled them (only a PIN pad's batch close settles its own charges), so the two were voided, not refunded.
  const rows = (await ledger()).filter((r) => strayInvoices.includes(r.invoice));
  const sales = rows.filter((r) => r.kind === 'sale' && r.status !== 'declined');
  const standing = sales.filter((r) => r.status !== 'voided').reduce((s, r) => s + r.amount, 0);
  const strayRefunds = (await ledger()).filter((r) => r.kind === 'refund' && r.status !== 'declined' && sales.some((x) => x.refNum === r.originalRefNum));
  assert.equal(sales.filter((r) => r.status === 'voided').length + strayRefunds.length, 2, 'two of the three given back (voided before settlement)');
  assert.equal(standing - strayRefunds.reduce((s, r) => s + r.amount, 0), amount, 'exactly one charge net');
  await page.getByTestId('orphan-action-close').click();
});

test('In doubt: a payment whose answer is lost and cannot be looked up is listed; Check now resolves it once lookups work', async () => {
  await page.getByTestId('nav-register').click();
  await page.getByTestId('register-screen').waitFor();
  const t = await ring('t');
  await simulate('missing_payment');
  await page.keyboard.press('F4');
  await page.locator('[data-testid="payment-dialog"][data-phase="checking"]').waitFor({ timeout: 30_000 });
  // Back to the register: the payment keeps being checked, the ticket stays locked.
  await page.getByTestId('payment-back').click();
  await page.getByTestId('payment-dialog').waitFor({ state: 'detached' });

  await page.getByTestId('nav-inDoubt').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('in-doubt-screen').waitFor();
  const row = page.getByTestId('in-doubt-row');
  await row.waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), new RegExp(`Ticket #${t.number}, card payment 1.*\\${t.total}`, 's'));
  assertPlain(await page.getByTestId('in-doubt-table').innerText(), 'in-doubt table');
  // Still unreachable: Check now (keyboard) says so and keeps it listed.
  await row.getByTestId('in-doubt-check-now').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('in-doubt-message').filter({ hasText: 'still not known' }).waitFor({ timeout: 30_000 });
  assert.equal(await row.count(), 1);
  await session.shootAndScan('07-in-doubt-queue');

  // The gateway's reports answer again (the PIN pad still refuses): Check now finds the approval.
  const cleared = await fetch(new URL('_control/faults', gatewayUrl), { method: 'DELETE', headers: { [CONTROL_KEY_HEADER]: TRAINING_GATEWAY_KEY } });
  assert.ok(cleared.ok, `clearing the gateway faults answered ${cleared.status}`);
  await row.getByTestId('in-doubt-check-now').click();
  await page.getByTestId('in-doubt-empty').waitFor({ timeout: 30_000 });
  await session.shootAndScan('08-in-doubt-resolved');

  // Charged exactly once, and the ticket is paid.
  const sales = (await ledgerForTicket(gatewayUrl, REGISTER_CODE, t.number)).filter((r) => r.kind === 'sale' && r.status !== 'declined');
  assert.deepEqual(
    sales.map((r) => r.amount),
    [cents(t.total)],
  );
  await page.getByTestId('nav-register').click();
  await simulate('normal');
});

test('the page raised no script errors', () => {
  assert.deepEqual(pageErrors.filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket/.test(e)), []);
});
