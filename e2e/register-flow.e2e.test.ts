// Register flow in browser mode, keyboard only: ring, remove a line, pay cash
// with change, the ticket closes. Card payments: payment-flow.e2e.test.ts.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession } from './fixtures/spec-session.ts';
import { snap } from './fixtures/browser-session.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'register-flow';
const dir = e2eWorkDir('cashier-e2e-');
const host = new HostProcess(path.join(dir, 'journal.sqlite'));
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];

before(async () => {
  await session.start([host]);
  ({ page, pageErrors } = session);
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

const text = (testId: string) => page.getByTestId(testId).innerText();
const activeLines = () => page.locator('[data-testid="ticket-line"][data-voided="false"]');

test('the register loads with the status bar: training badge, healthy journal', async () => {
  await page.getByTestId('catalog-item-coffee').waitFor();
  await page.getByTestId('training-badge').waitFor();
  assert.equal(await page.getByTestId('status-journal').getAttribute('data-healthy'), 'true');
  assert.match(await text('status-journal'), /Journal healthy/);
  assert.match(await text('key-legend'), /F2\s*Cash/);
  await snap(page, SPEC, '01-empty-register');
});

test('items are rung with their hotkeys onto a new ticket', async () => {
  await page.keyboard.press('c'); // Coffee 2.95
  await page.keyboard.press('l'); // Latte 4.50
  await page.keyboard.press('s'); // Sandwich 8.25
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 3);
  assert.equal(await text('ticket-total'), '$15.70');
  assert.equal(await text('ticket-due'), '$15.70');
  assert.deepEqual(await activeLines().locator('.line-desc').allInnerTexts(), ['Coffee', 'Latte', 'Sandwich']);
  const number = await page.getByTestId('ticket').getAttribute('data-ticket-number');
  await page.getByTestId(`open-ticket-${number}`).waitFor();
  await snap(page, SPEC, '02-items-rung');
});

test('a selected line is removed with the arrows and Delete; it stays visible as removed', async () => {
  await page.keyboard.press('ArrowUp'); // from Sandwich (newest) to Latte
  await page.locator('.ticket-line.selected', { hasText: 'Latte' }).waitFor();
  await page.keyboard.press('Delete');
  await page.locator('[data-testid="ticket-line"][data-voided="true"]', { hasText: 'Latte' }).waitFor();
  assert.equal(await activeLines().count(), 2);
  assert.equal(await text('ticket-total'), '$11.20');
  await snap(page, SPEC, '03-line-removed');
});

test('a cash amount that is not money is refused in the dialog before anything is sent', async () => {
  await page.keyboard.press('F2');
  const input = page.getByTestId('cash-amount');
  await input.waitFor();
  assert.equal(await input.evaluate((el) => el === document.activeElement), true, 'amount field has focus');
  assert.equal(await input.inputValue(), '11.20', 'prefilled with what is due');
  await page.keyboard.type('12.345');
  await page.keyboard.press('Enter');
  assert.match(await text('cash-error'), /more decimals/);
  assert.equal(await text('ticket-paid'), '$0.00');
  await snap(page, SPEC, '05-cash-invalid');
});

test('cash of 20.00 pays the ticket, shows 8.80 change and closes the ticket', async () => {
  await page.getByTestId('cash-amount').fill('');
  await page.keyboard.type('20');
  await snap(page, SPEC, '06-cash-dialog');
  await page.keyboard.press('Enter');
  await page.getByTestId('cash-dialog').waitFor({ state: 'detached' });
  assert.equal(await text('cash-change'), '$8.80');
  assert.equal(await page.getByTestId('ticket').getAttribute('data-status'), 'paid');
  assert.equal(await text('ticket-due'), '$0.00');
  await page.getByTestId('open-tickets-empty').waitFor();
  await snap(page, SPEC, '07-paid-with-change');
});

test('the next hotkey starts a fresh ticket', async () => {
  const paidNumber = Number(await page.getByTestId('ticket').getAttribute('data-ticket-number'));
  await page.keyboard.press('t');
  // The new ticket shows as soon as main creates it, then again with its line.
  await page.waitForFunction(
    (n) =>
      Number(document.querySelector('[data-testid="ticket"]')?.getAttribute('data-ticket-number')) > n &&
      document.querySelectorAll('[data-testid="ticket-line"]').length === 1,
    paidNumber,
  );
  assert.equal(await page.getByTestId('ticket').getAttribute('data-status'), 'open');
  assert.equal(await text('ticket-total'), '$2.50');
});

test('the page raised no script errors and no CSP violations', () => {
  assert.deepEqual(pageErrors, []);
});
