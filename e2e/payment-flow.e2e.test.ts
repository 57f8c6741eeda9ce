// The cashier's card flow in training mode, in browser mode: "Please Complete
// Payment" with live status and elapsed time, approved, declined then retried on
// the same ticket, Find Missing Payments, an approval lost on the way back that
// is recovered without charging again, a cancel the PIN pad ignores (in doubt,
// then resolved by asking), a receipt that did not print and its reprint, and
// the orphan list. Each state is kept as a screenshot.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession, trainingPadConnected } from './fixtures/spec-session.ts';
import { chargedForTicket } from './fixtures/processor-ledger.ts';
import { formatMoney } from '../src-renderer/screens/common/money-format.ts';
import { snap } from './fixtures/browser-session.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'payment-flow';
const CANCEL_AFTER_SECONDS = 2;
const dir = e2eWorkDir('cashier-e2e-pay-');
const host = new HostProcess(path.join(dir, 'journal.sqlite'), 30_000, {
  // A short Cancel delay keeps the spec fast; the simulated customer takes 1.5 s to present a card.
  extraArgs: ['--cancel-after-seconds', String(CANCEL_AFTER_SECONDS), '--card-time-ms', '1500'],
});
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];

before(async () => {
  await session.start([host], {
    // Every phase the dialog shows, in order, even ones that last a few milliseconds.
    beforeGoto: (p) =>
      p.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { __phases: string[] }).__phases = seen;
        new MutationObserver(() => {
          const phase = document.querySelector('[data-testid="payment-dialog"]')?.getAttribute('data-phase') ?? 'closed';
          if (seen.at(-1) !== phase) seen.push(phase);
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase'] });
      }),
    ready: (p) => trainingPadConnected(p, 20_000),
  });
  ({ page, pageErrors } = session);
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

const text = (testId: string) => page.getByTestId(testId).innerText();
const dialog = () => page.getByTestId('payment-dialog');
const phase = (p: string, timeout = 20_000) => page.locator(`[data-testid="payment-dialog"][data-phase="${p}"]`).waitFor({ timeout });
const phases = () => page.evaluate(() => (window as unknown as { __phases: string[] }).__phases.splice(0));

/** Starts a fresh ticket with the given hotkeys rung. */
async function ringTicket(keys: string): Promise<string> {
  await page.keyboard.press('F9');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 0);
  for (const k of keys) await page.keyboard.press(k);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ticket-line"]').length === n, keys.length);
  return text('ticket-total');
}

/** Picks how the simulators behave for the next payment, from the training panel. */
async function nextPayment(scenario: string): Promise<void> {
  // The payment dialog carries its own training panel, after the register's in the page.
  const panel = page.getByTestId('training-control').last();
  await panel.getByTestId('training-scenario').selectOption(scenario);
  await panel.getByTestId('training-apply').click();
  await panel.getByTestId('training-message').waitFor();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** No full card number anywhere on the page (invariant 6). */
async function assertNoFullPan(): Promise<void> {
  const all = await page.locator('body').innerText();
  assert.doesNotMatch(all, /\b\d{13,19}\b/);
}

test('F4 opens "Please Complete Payment" with the amount, the PIN pad\'s status and the elapsed time', async () => {
  const total = await ringTicket('cl');
  await phases();
  await page.keyboard.press('F4');
  await dialog().waitFor();
  await page.locator('[data-testid="payment-dialog"][data-phase="waiting"], [data-testid="payment-dialog"][data-phase="starting"]').waitFor();
  assert.equal(await text('payment-title'), 'Please Complete Payment');
  assert.equal(await text('payment-amount'), total);
  assert.match(await text('payment-elapsed'), /^\d+:\d\d$/);
  assert.ok((await text('payment-message')).length > 5, 'a live status in words');
  await snap(page, SPEC, '01-please-complete-payment');
});

test('approved: masked card, auth code, the receipt printed; Done (Enter) leaves the ticket paid', async () => {
  await phase('approved');
  assert.match(await text('payment-masked-pan'), /\d{4,6}[*•X]+\d{4}/);
  assert.ok((await text('payment-auth-code')).trim().length >= 2);
  await page.locator('[data-testid="receipt-status"][data-printed="true"]').waitFor({ timeout: 20_000 });
  assert.ok((await phases()).includes('waiting'), 'the customer was shown at the PIN pad before the approval');
  await assertNoFullPan();
  await snap(page, SPEC, '02-approved');
  await page.keyboard.press('Enter');
  await dialog().waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('ticket').getAttribute('data-status'), 'paid');
  assert.equal(await text('ticket-due'), '$0.00');
});

let declinedRef = '';
test('declined: the reason and what to do next, with Try again and another tender', async () => {
  await ringTicket('s');
  await nextPayment('decline');
  await page.keyboard.press('F4');
  await phase('declined');
  assert.equal(await text('payment-title'), 'Declined');
  assert.match(await text('payment-message'), /declined/i);
  await page.getByTestId('payment-retry').waitFor();
  await page.getByTestId('payment-other-tender').waitFor();
  declinedRef = (await dialog().innerText()).match(/Ref (\S+)/)?.[1] ?? '';
  assert.notEqual(declinedRef, '');
  assert.equal(await text('ticket-paid'), '$0.00');
  await snap(page, SPEC, '03-declined');
});

test('a final Declined does not offer Find Missing Payments (it is offered where it helps: in doubt, errors)', async () => {
  assert.equal(await page.getByTestId('payment-find-missing').count(), 0);
  assert.equal(await text('ticket-paid'), '$0.00');
});

test('Try again on the same ticket goes back to the PIN pad and is approved', async () => {
  // The customer hands over another card: the decline card stays in the simulator until Normal is chosen
  // (the training panel is inside the payment dialog once the card is out of the customer's hands).
  await nextPayment('normal');
  await phases();
  await page.getByTestId('payment-retry').click();
  await phase('approved');
  assert.deepEqual((await phases()).filter((p) => p !== 'starting'), ['waiting', 'approved'], 'the retry went back to the PIN pad');
  // Main decides the slot: a declined slot keeps its reference, so the terminal's duplicate check still recognises the ticket.
  assert.match(await dialog().innerText(), new RegExp(`Ref ${declinedRef}\\b`));
  assert.equal(await page.getByTestId('ticket').getAttribute('data-status'), 'paid');
  await snap(page, SPEC, '05-retry-approved');
  await page.getByTestId('payment-done').click();
  await dialog().waitFor({ state: 'detached' });
});

test('an approval lost on the way back: "may have been charged, checking", then "Already paid", charged once', async () => {
  const total = await ringTicket('t');
  await nextPayment('lose_approval');
  await phases();
  await page.keyboard.press('F4');
  const checking = page.locator('[data-testid="payment-dialog"][data-phase="checking"]');
  const recovered = page.locator('[data-testid="payment-dialog"][data-phase="recovered"]');
  await checking.or(recovered).waitFor({ timeout: 60_000 });
  // The training lookup answers in milliseconds, too fast for a faithful screenshot; 11 shows this state.
  if (await checking.isVisible()) {
    assert.equal(await page.getByTestId('payment-retry').count(), 0, 'no retry while the outcome is unknown');
  }
  await recovered.waitFor({ timeout: 60_000 });
  assert.ok((await phases()).includes('checking'), 'the cashier was told the outcome was being checked');
  assert.equal(await text('payment-message'), 'Already paid: recorded without charging again.');
  assert.equal(await text('ticket-paid'), total, 'recorded once');
  // Ground truth: the processor's ledger, not our journal, says the card was charged exactly once.
  const number = Number(await page.getByTestId('ticket').getAttribute('data-ticket-number'));
  const charged = await chargedForTicket(await host.trainingGatewayUrl(), '1', number);
  assert.equal(charged.count, 1, 'the processor charged the card exactly once');
  assert.equal(formatMoney(charged.amount, 'USD', 'en-US'), total);
  await snap(page, SPEC, '07-recovered-already-paid');
  await page.getByTestId('payment-done').click();
  await dialog().waitFor({ state: 'detached' });
});

test('a receipt that did not print: the payment stands, the cashier reprints from the journal', async () => {
  await ringTicket('c');
  await nextPayment('printer_out_of_paper');
  await page.keyboard.press('F4');
  await phase('approved');
  const status = page.locator('[data-testid="receipt-status"][data-printed="false"]');
  await status.waitFor({ timeout: 30_000 });
  assert.match(await text('receipt-message'), /paper/i);
  assert.equal(await page.getByTestId('ticket').getAttribute('data-status'), 'paid');
  await snap(page, SPEC, '08-receipt-not-printed');
  await nextPayment('normal'); // paper loaded
  await page.getByTestId('receipt-reprint').click();
  await page.locator('[data-testid="receipt-status"][data-printed="true"]').waitFor({ timeout: 30_000 });
  await snap(page, SPEC, '09-receipt-reprinted');
  await page.getByTestId('payment-done').click();
  await dialog().waitFor({ state: 'detached' });
});

test('Cancel appears after the configured delay; a cancel the PIN pad ignores is checked, never assumed', async () => {
  await ringTicket('l');
  await nextPayment('ignore_cancel');
  await page.keyboard.press('F4');
  await phase('waiting');
  assert.equal(await page.getByTestId('payment-cancel').count(), 0, 'no Cancel before the delay');
  await page.getByTestId('payment-cancel').waitFor({ timeout: (CANCEL_AFTER_SECONDS + 5) * 1000 });
  await snap(page, SPEC, '10-cancel-offered');
  await page.getByTestId('payment-cancel').click();
  await phase('checking', 60_000);
  assert.equal(await text('payment-title'), 'The card may have been charged. Checking…');
  assert.equal(await page.getByTestId('payment-retry').count(), 0);
  await snap(page, SPEC, '11-cancel-unanswered-checking');
  // The training PIN pad hung without charging, so asking it and the gateway ends in "not charged".
  await phase('not_charged', 90_000);
  assert.match(await text('payment-message'), /not charged/i);
  assert.equal(await page.getByTestId('ticket').getAttribute('data-status'), 'open', 'the ignored payment charged nothing');
  await snap(page, SPEC, '12-cancel-resolved');
  await page.keyboard.press('Escape');
  await dialog().waitFor({ state: 'detached' });
});

test('a PIN pad that cannot be reached: not charged, with Try again', async () => {
  await ringTicket('s');
  await nextPayment('terminal_offline');
  await page.keyboard.press('F4');
  const notCharged = page.locator('[data-testid="payment-dialog"][data-phase="not_charged"]');
  const notice = page.getByTestId('error-notice');
  await notCharged.or(notice).waitFor({ timeout: 60_000 });
  const words = (await notCharged.isVisible()) ? await text('payment-message') : await notice.innerText();
  assert.match(words, /not charged|could not be reached/i);
  assert.equal(await text('ticket-paid'), '$0.00');
  await snap(page, SPEC, '13-not-charged');
  if (await notCharged.isVisible()) {
    await page.getByTestId('payment-retry').waitFor();
    await page.keyboard.press('Escape');
  } else await page.keyboard.press('Escape');
  await dialog().waitFor({ state: 'detached' });
});

test('F6 shows the orphan list for a manager; Find Missing Payments there checks the whole register', async () => {
  await page.keyboard.press('F6');
  await page.getByTestId('orphans-screen').waitFor();
  await page.getByTestId('orphans-empty').or(page.getByTestId('orphans-table')).waitFor();
  await page.getByTestId('orphans-find-missing').click();
  await page.getByTestId('find-missing-report').waitFor({ timeout: 30_000 });
  await snap(page, SPEC, '14-orphans');
  await page.keyboard.press('Escape');
  await page.getByTestId('register-screen').waitFor();
});

test('the page raised no script errors and no CSP violations', () => {
  assert.deepEqual(pageErrors, []);
});
