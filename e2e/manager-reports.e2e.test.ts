// The manager's settlement review and end-of-day report in browser mode,
// keyboard first, then the mouse. The journal is seeded before the host
// starts with 2,000 card settlements of the last hours (one in 25 voided, the
// newest among them), so the virtualised list has to page as it scrolls.
// Every screen is scanned with axe-core and shot at 1024×768 and 1920×1080.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CardBrand } from '../src-shared/card.ts';
import { openJournal } from '../src-main/journal/journal.ts';
import { localDate } from '../src-main/settlement/end-of-day-report.ts';
import { journalSettlements, type SettlementSpec } from '../src-main/settlement/settlement-test-rig.ts';
import { TRAINING_MANAGER_PIN } from '../src-main/staff/staff-service.ts';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession } from './fixtures/spec-session.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'manager-reports';
const dir = e2eWorkDir('cashier-e2e-reports-');
const journalPath = path.join(dir, 'journal.sqlite');
const host = new HostProcess(journalPath, 30_000);
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];

const BRANDS: CardBrand[] = ['visa', 'mastercard', 'amex', 'discover'];
const now = Date.now();
// Newest first: i = 0 is a minute ago and voided.
const SPECS: SettlementSpec[] = Array.from({ length: 2000 }, (_, i) => ({
  amount: 500 + ((i * 731) % 9500),
  at: new Date(now - 60_000 - i * 15_000).toISOString(),
  brand: BRANDS[i % 4],
  entryMode: i % 3 === 0 ? 'contactless' : 'chip',
  lastFour: i % 50 === 0 ? '4242' : String(1000 + (i % 97)),
  state: i % 25 === 0 ? 'reversed' : 'approved',
}));
const voidedCount = SPECS.filter((s) => s.state === 'reversed').length;
const today = localDate(new Date());
const todayApproved = SPECS.filter((s) => s.state === 'approved' && localDate(new Date(s.at)) === today);

before(async () => {
  const journal = openJournal({ path: journalPath, integrityCheck: 'none' });
  journalSettlements(journal, [...SPECS].reverse());
  journal.close();
  await session.start([host], {
    size: { width: 1024, height: 768 },
    timeoutMs: 15_000,
    ready: (p) => p.getByTestId('register-screen').waitFor(),
  });
  ({ page, pageErrors } = session);
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

const count = () => page.getByTestId('settlement-count').innerText();
const activeIndex = async () => Number((await page.getByTestId('settlement-list').getAttribute('aria-activedescendant'))?.replace('settlement-row-', ''));

test('F3 opens the settlement review: every settlement, newest first, the voided one in red', async () => {
  await page.keyboard.press('F3');
  await page.getByTestId('settlement-screen').waitFor();
  // Settlements are a manager's: the first look asks for a manager (training's demo manager here).
  await page.getByTestId('manager-sign-in').waitFor();
  await page.keyboard.type(TRAINING_MANAGER_PIN);
  await page.keyboard.press('Enter');
  await page.getByTestId('manager-sign-in').waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelector('[data-testid="settlement-count"]')?.textContent?.startsWith('2,000'));
  const first = page.locator('#settlement-row-0');
  await first.locator('text=Visa').waitFor();
  assert.equal(await first.getAttribute('data-status'), 'voided');
  assert.match((await first.getAttribute('class')) ?? '', /settlement-voided/);
  const color = await first.evaluate((el) => getComputedStyle(el).color);
  assert.equal(color, 'rgb(160, 0, 0)', 'voided settlements are red');
  assert.equal(await page.locator('#settlement-row-1').getAttribute('data-status'), 'approved');
  // Only the rows in view exist: the list is virtualised.
  assert.ok((await page.getByTestId('settlement-row').count()) < 100);
  await session.shootAndScan('01-settlement-review');
});

test('keyboard: ↓, PgDn, End (the last page is fetched), Home', async () => {
  await page.getByTestId('settlement-list').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await activeIndex(), 1);
  await page.keyboard.press('PageDown');
  assert.ok((await activeIndex()) > 5);
  await page.keyboard.press('End');
  assert.equal(await activeIndex(), 1999);
  const last = page.locator('#settlement-row-1999');
  await last.getByText('#1', { exact: true }).waitFor(); // the oldest settlement is ticket 1, on the last page
  assert.match(await last.innerText(), /Discover/);
  await page.keyboard.press('Home');
  assert.equal(await activeIndex(), 0);
  await page.locator('#settlement-row-0').waitFor();
});

test('the filter form, by keyboard: brand and last four, Enter applies; a bad last four is refused in words', async () => {
  await page.locator('#settlement-filter-lastFour').focus();
  await page.keyboard.type('42');
  await page.keyboard.press('Enter');
  await page.getByText('Type the last four digits of the card.').waitFor();
  await page.keyboard.type('42');
  await page.locator('#settlement-filter-brand').selectOption('visa');
  await page.locator('#settlement-filter-lastFour').focus();
  await page.keyboard.press('Enter');
  const want = SPECS.filter((s) => s.brand === 'visa' && s.lastFour === '4242').length;
  await page.waitForFunction((n) => document.querySelector('[data-testid="settlement-count"]')?.textContent?.startsWith(`${n} settlement`), want);
  for (const row of await page.getByTestId('settlement-row').all()) assert.match(await row.innerText(), /Visa ending 4242/);
});

test('mouse: sort by amount, hide voided settlements (journaled), show them again', async () => {
  await page.getByTestId('settlement-clear').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="settlement-count"]')?.textContent?.startsWith('2,000'));
  await page.getByTestId('settlement-sort-amount').click();
  const top = Math.max(...SPECS.map((s) => s.amount));
  await page.locator('#settlement-row-0').getByText(`$${(top / 100).toFixed(2)}`).waitFor();
  await page.getByTestId('settlement-show-voided').click();
  const shown = (2000 - voidedCount).toLocaleString('en-US');
  await page.waitForFunction((n) => document.querySelector('[data-testid="settlement-count"]')?.textContent?.startsWith(n), shown);
  assert.match(await count(), /voided ones hidden/);
  assert.equal(await page.locator('.settlement-voided').count(), 0);
  await page.getByTestId('settlement-sort-time').click();
  await page.getByTestId('settlement-show-voided').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="settlement-count"]')?.textContent?.startsWith('2,000'));
});

test('F5 opens the end-of-day report: takings match the journal, charts drawn, variances honestly none recorded', async () => {
  await page.keyboard.press('F5');
  await page.getByTestId('end-of-day-screen').waitFor();
  const card = page.getByTestId('end-of-day-card');
  await card.waitFor();
  const cells = await card.locator('td').allInnerTexts();
  const amount = todayApproved.reduce((s, x) => s + x.amount, 0);
  assert.deepEqual(cells, [String(todayApproved.length), `$${(amount / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`]);
  assert.match(await page.getByTestId('end-of-day-variances').innerText(), /None recorded/);
  for (const chart of ['hours', 'brands', 'modes']) {
    const drawn = await page.getByTestId(`end-of-day-chart-${chart}`).locator('canvas').evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0);
    assert.ok(drawn, `${chart} chart drawn`);
  }
  await session.shootAndScan('02-end-of-day');
});

test('Export CSV downloads the report (mouse)', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('end-of-day-csv').click()]);
  assert.equal(download.suggestedFilename(), `end-of-day-${today}.csv`);
  const file = path.join(dir, 'report.csv');
  await download.saveAs(file);
  const csv = fs.readFileSync(file, 'utf8');
  assert.match(csv, /^Section,Item,Count,Amount \(USD\)/);
  assert.match(csv, new RegExp(`Tender,Card,${todayApproved.length},`));
  assert.match(csv, /Variances,None recorded/);
  assert.deepEqual(pageErrors, []);
});
