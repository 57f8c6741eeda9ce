// The shipboard purser's desk in browser mode (issue 12 §6), training host with
// its simulators: F1 opens the desk; a guest found by name and by cabin card;
// a card registered on the PIN pad (initial authorisation); postings raising
// incremental authorisations (table 4-8); the ship offline (the training
// gateway refuses every request) and back online with the queue draining;
// a decline cascade (table 4-18 #2 under parameter value 1, changed on the
// manager's parameters screen); checkout with Pay invoice and a void's
// confirmation. Every money check reads the processor's ledger, never our own
// records: each hold, increment and capture happened once. Keyboard first;
// axe-core on every screen; shot at 1024×768 and 1920×1080.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { TRAINING_GATEWAY_KEY } from '../src-main/devices/training-devices.ts';
import { CONTROL_KEY_HEADER } from '../src-main/gateways/simulator/gateway-simulator.ts';
import { TRAINING_MANAGER_PIN } from '../src-main/staff/staff-service.ts';
import { seriousA11yViolations } from './fixtures/axe-scan.ts';
import { launchBrowser, openPage, snap, watchPageErrors } from './fixtures/browser-session.ts';
import { ensureRendererBuilt, HostProcess } from './fixtures/host-process.ts';
import { purserLedger, type LedgerRow } from './fixtures/processor-ledger.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'purser';
const dir = e2eWorkDir('cashier-e2e-purser-');
const host = new HostProcess(path.join(dir, 'journal.sqlite'), 30_000, { extraArgs: ['--card-time-ms', '200'] });
let browser: Browser | undefined;
let page: Page;
let pageErrors: string[];
let gatewayUrl = '';

before(async () => {
  ensureRendererBuilt();
  const url = await host.start();
  gatewayUrl = await host.trainingGatewayUrl();
  browser = await launchBrowser();
  page = await openPage(browser);
  await page.setViewportSize({ width: 1024, height: 768 });
  page.setDefaultTimeout(20_000);
  pageErrors = watchPageErrors(page);
  await page.goto(url);
  await page.getByTestId('training-badge').waitFor();
  await page.locator('[data-testid="status-terminal"][data-state="connected"]').waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await host.stop();
  releaseE2eWorkDir(dir);
});

async function shootAndScan(step: string): Promise<void> {
  assert.deepEqual(await seriousA11yViolations(page), [], `axe on ${step}`);
  await snap(page, SPEC, `${step}-1024x768`);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await snap(page, SPEC, `${step}-1920x1080`);
  await page.setViewportSize({ width: 1024, height: 768 });
}

/** Plain words: no address, port, HTTP status, id or full card number. */
function assertPlain(text: string, where: string): void {
  assert.doesNotMatch(text, /127\.0\.0\.1|localhost|HTTP|\b[45]\d\d\b|[0-9a-f]{8}-[0-9a-f]{4}-|\b\d{13,19}\b|\bG\d+C\d+R\d+\b/i, where);
}

/** Arms (or clears) the training gateway's "ship offline": every request to the gateway door refused with a server error. */
async function shipOffline(on: boolean): Promise<void> {
  const res = await fetch(new URL('_control/faults', gatewayUrl), {
    method: on ? 'POST' : 'DELETE',
    headers: { [CONTROL_KEY_HEADER]: TRAINING_GATEWAY_KEY, 'content-type': 'application/json' },
    ...(on ? { body: JSON.stringify({ kind: 'http_5xx', target: 'gateway', times: 'always', status: 503 }) } : {}),
  });
  assert.ok(res.ok, `fault control answered ${res.status}`);
}

/** Picks a training scenario on the register's training panel (the register is shown for it). */
async function simulate(scenario: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByTestId('register-screen').waitFor();
  const panel = page.getByTestId('training-control').last();
  await panel.getByTestId('training-scenario').selectOption(scenario);
  await panel.getByTestId('training-apply').click();
  await panel.getByTestId('training-message').waitFor();
  await page.keyboard.press('F1');
  await page.getByTestId('purser-screen').waitFor();
}

const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

/** The open guest's card sections, by routing order. */
const cards = (): Locator => page.getByTestId('purser-card');

/** The ledger rows of every non-declined entry per kind and invoice: each must be one. */
function assertOnce(rows: LedgerRow[], where: string): void {
  const seen = new Map<string, number>();
  for (const r of rows.filter((x) => x.status !== 'declined')) seen.set(`${r.kind} ${r.invoice}`, (seen.get(`${r.kind} ${r.invoice}`) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], `${where}: a hold, increment or capture reached the processor twice`);
}

/** Records shown on the card tab: [kind, status, queue] of each. */
async function shownRecords(card: Locator): Promise<{ kind: string; status: string; queue: string; reference: string; amount: string }[]> {
  return card.getByTestId('purser-record').evaluateAll((rows) =>
    rows.map((r) => ({
      kind: r.getAttribute('data-kind') ?? '',
      status: r.getAttribute('data-status') ?? '',
      queue: r.getAttribute('data-queue') ?? '',
      reference: r.getAttribute('data-reference') ?? '',
      amount: r.getAttribute('data-amount') ?? '',
    })),
  );
}

test('keyboard: F1 opens the purser desk; a guest found by name, then by the cabin card', async () => {
  await page.getByTestId('register-screen').waitFor();
  await page.keyboard.press('F1');
  await page.getByTestId('purser-screen').waitFor();
  assert.equal(await focusedTestId(), 'purser-search-input', 'the search field takes focus');
  await page.getByTestId('purser-guest-row').first().waitFor();
  await shootAndScan('01-guest-search');
  await page.keyboard.type('Lovelace');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="purser-guest-row"]').length === 1);
  await page.keyboard.press('Enter');
  const header = page.getByTestId('purser-guest-header');
  await header.waitFor();
  assert.match(await header.innerText(), /Ada Lovelace/);
  assert.equal((await page.getByTestId('purser-guest-cabin').innerText()).trim(), '7012');
  await page.getByTestId('purser-guest-close').click();
  await page.getByTestId('purser-no-guest').waitFor();
  // A keyboard-style reader types the cabin card's track into the field, Enter at the end.
  await page.getByTestId('purser-cabin-card').focus();
  await page.keyboard.type(';7702012=100700120?');
  await page.keyboard.press('Enter');
  await header.waitFor();
  assert.match(await header.innerText(), /Ada Lovelace/);
});

test('register a card on the PIN pad: token and initial authorisation, active, read by the PIN pad; the processor held it once', async () => {
  await page.getByTestId('purser-tab-cards').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('purser-register-card').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('register-card-dialog');
  await dialog.waitFor();
  await page.getByTestId('pin-pad-choice').first().waitFor();
  await shootAndScan('02-register-card-pin-pad');
  await page.getByTestId('register-card-start').click();
  await dialog.waitFor({ state: 'detached', timeout: 60_000 });
  await cards().first().waitFor();
  const card = cards().first();
  assert.equal(await card.getAttribute('data-active'), 'true');
  const records = await shownRecords(card);
  assert.deepEqual(
    records.map((r) => [r.kind, r.status]),
    [['initial_auth', '1']],
    'one initial authorisation, approved',
  );
  assert.match(await card.getByTestId('purser-record-status').first().innerText(), /Approved/);
  assertPlain(await page.getByTestId('purser-guest').innerText(), 'card tab');
  await shootAndScan('03-card-registered');
  const ledger = await purserLedger(gatewayUrl);
  const holds = ledger.filter((e) => e.invoice === records[0].reference);
  assert.deepEqual(
    holds.map((e) => [e.kind, e.status]),
    [['auth', 'approved']],
    'the processor holds the initial authorisation once',
  );
});
