// The shipboard purser's desk in browser mode (issue 12 §6), training host with
// its simulators: F1 opens the desk; a guest found by name and by cabin card;
// a card registered on the PIN pad (initial authorisation); postings raising
// incremental authorisations (table 4-8); the ship offline through the
// training panel's manager-only control (the training PIN pad approves on its
// own with a temporary token, the training gateway refuses every request): a
// card registered offline (table 4-17 #1), then back online with the queue
// draining; a decline cascade (table 4-18 #2 under parameter value 1, changed
// on the manager's parameters screen) to cash, and to a guest's second card
// chosen on the training PIN pad; checkout with Pay invoice and a void's
// confirmation. Every money check reads the processor's ledger, never our own
// records: each hold, increment and capture happened once. Keyboard first;
// axe-core on every screen; shot at 1024×768 and 1920×1080.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { TRAINING_GATEWAY_KEY } from '../src-main/devices/training-devices.ts';
import { CONTROL_KEY_HEADER } from '../src-main/gateways/simulator/gateway-simulator.ts';
import { PURSER_MESSAGES } from '../src-main/purser/purser-messages.ts';
import { TRAINING_MANAGER_PIN } from '../src-main/staff/staff-service.ts';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession, TRAINING_REGISTER_1024 } from './fixtures/spec-session.ts';
import { purserLedger, PURSER_REFERENCE, type LedgerRow } from './fixtures/processor-ledger.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'purser';
const dir = e2eWorkDir('cashier-e2e-purser-');
// The ship goes offline here as the gateway answering 503 at once, never processing late: no settle time to wait
// out before a record it does not know is sent again (the settle time's own tests: purser-offline.test.ts, folio chaos).
const host = new HostProcess(path.join(dir, 'journal.sqlite'), 30_000, { extraArgs: ['--card-time-ms', '200', '--purser-settle-ms', '0'] });
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];
let gatewayUrl = '';
/** References the offline tests leave for the back-online one. */
let offlineIncrement = '';
let offlineInitial = '';

before(async () => {
  await session.start([host], TRAINING_REGISTER_1024);
  ({ page, pageErrors } = session);
  gatewayUrl = await host.trainingGatewayUrl();
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

/** Plain words: no address, port, HTTP status, id or full card number. */
function assertPlain(text: string, where: string): void {
  // A status code stands alone: "$400.00" is money, not HTTP 400.
  assert.doesNotMatch(text, /127\.0\.0\.1|localhost|HTTP|(?<![$,.])\b[45]\d\d\b(?![.,]\d)|[0-9a-f]{8}-[0-9a-f]{4}-|\b\d{13,19}\b/i, where);
  // No record reference (the gateway's invoice) either.
  assert.doesNotMatch(text, /\b[A-Z0-9]*G[0-9A-Z]+C[0-9A-Z]+R[0-9A-Z]+\b/, where);
}

/** The training panel's answer, once it says this. */
const trainingSaid = (words: string) => page.getByTestId('purser-training-message').filter({ hasText: words }).waitFor();

/** Sets the training panel's card (brand and last four) and presses one of its card buttons. */
async function trainingCard(brand: string, lastFour: string, button: 'present' | 'decline'): Promise<void> {
  await page.getByTestId('purser-training-brand').selectOption(brand);
  await page.getByTestId('purser-training-last-four').fill(lastFour);
  await page.getByTestId(`purser-training-${button}`).click();
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

/** Scrolls the desk back to its top (the training panel's controls sit low on the side and scroll it away) before a shot. */
const toTop = () =>
  page.evaluate(() => {
    window.scrollTo(0, 0);
    for (const el of document.querySelectorAll<HTMLElement>('main, .purser-layout')) el.scrollTop = 0;
  });

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
  await session.shootAndScan('01-guest-search');
  await page.keyboard.type('Lovelace');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="purser-guest-row"]').length === 1);
  await page.keyboard.press('Enter');
  const header = page.getByTestId('purser-guest-header');
  await header.waitFor();
  assert.match(await header.innerText(), /Ada Lovelace/);
  assert.equal((await page.getByTestId('purser-guest-cabin').innerText()).trim(), '7012');
  await page.getByTestId('purser-guest-close').click();
  await page.getByTestId('purser-no-guest').waitFor();
  // A card nobody holds: refused in plain words.
  await page.getByTestId('purser-cabin-card').fill('999999');
  await page.getByTestId('purser-cabin-card-open').click();
  const refused = page.getByTestId('purser-cabin-card-error');
  await refused.waitFor();
  assertPlain(await refused.innerText(), 'unknown cabin card');
  assert.match(await refused.innerText(), /cabin card/);
  // A keyboard-style reader types the cabin card's track into the field, Enter at the end.
  await page.getByTestId('purser-cabin-card').focus();
  await page.keyboard.type(';7702012=100700120?');
  await page.keyboard.press('Enter');
  await header.waitFor();
  assert.match(await header.innerText(), /Ada Lovelace/);
});

test('register a card on the PIN pad: token and initial authorisation, active, read by the PIN pad; the processor held it once', async () => {
  // The tabs move with the arrow keys (WAI-ARIA tabs): Folio → Credit cards.
  await page.getByTestId('purser-tab-folio').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByTestId('purser-tab-cards').getAttribute('aria-selected'), 'true');
  assert.equal(await focusedTestId(), 'purser-tab-cards');
  await page.getByTestId('purser-register-card').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('register-card-dialog');
  await dialog.waitFor();
  await page.getByTestId('pin-pad-choice').first().waitFor();
  // Focus is trapped: Tab and Shift+Tab cycle inside the dialog.
  const inside = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid="register-card-dialog"]'));
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await inside(), `Tab ${i + 1} stays in the dialog`);
  }
  await page.keyboard.press('Shift+Tab');
  assert.ok(await inside(), 'Shift+Tab stays in the dialog');
  await session.shootAndScan('02-register-card-pin-pad');
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
  await session.shootAndScan('03-card-registered');
  const ledger = await purserLedger(gatewayUrl);
  const holds = ledger.filter((e) => e.invoice === records[0].reference);
  assert.deepEqual(
    holds.map((e) => [e.kind, e.status]),
    [['auth', 'approved']],
    'the processor holds the initial authorisation once',
  );
});

/** Waits until the first card shows `n` records of a kind with the given status. */
async function waitForRecords(kind: string, status: number, n: number, cardIndex = 0): Promise<void> {
  await page.waitForFunction(
    ({ kind, status, n, cardIndex }) => {
      const card = document.querySelectorAll('[data-testid="purser-card"]')[cardIndex];
      return !!card && card.querySelectorAll(`[data-testid="purser-record"][data-kind="${kind}"][data-status="${status}"]`).length === n;
    },
    { kind, status, n, cardIndex },
    { timeout: 30_000 },
  );
}

/**
 * Adds a posting on the Folio tab, keyboard only. `orSaid`: a decline the sender answered at once may replace
 * "posted" before it is seen, so either message ends the wait.
 */
async function post(description: string, amount: string, orSaid?: string): Promise<void> {
  await page.getByTestId('purser-tab-folio').click();
  await page.getByTestId('purser-posting-description').focus();
  await page.keyboard.type(description);
  await page.keyboard.press('Tab');
  await page.keyboard.type(amount);
  await page.keyboard.press('Enter');
  await page
    .getByTestId('purser-message')
    .filter({ hasText: orSaid ? new RegExp(`posted|${orSaid.replace(/[.$]/g, '\\$&')}`) : 'posted' })
    .waitFor();
}

test('postings raise incremental authorisations by table 4-8; each increment reached the processor once', async () => {
  await post('Dinner, Deck 5 grill', '80.00');
  await post('Spa', '40.00');
  await post('Shore excursion', '200.00');
  await page.getByTestId('purser-tab-folio').click();
  // "posted" is said when the host answers; the folio list follows with the guest's next snapshot.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="purser-folio-line"]').length === 3, undefined, { timeout: 20_000 });
  assert.equal(await page.getByTestId('purser-folio-line').count(), 3);
  assert.equal((await page.getByTestId('purser-guest-balance').innerText()).trim(), '$320.00');
  await session.shootAndScan('04-folio-postings');
  await page.getByTestId('purser-tab-cards').click();
  // 4-8 #1: $80 under the $100 initial: none; #2: $120 passes it by less than $50: $50; #3: $320 passes $150 by $170: $170.
  await waitForRecords('incremental_auth', 1, 2);
  const records = await shownRecords(cards().first());
  assert.deepEqual(
    records.map((r) => [r.kind, r.amount, r.status]),
    [
      ['initial_auth', '10000', '1'],
      ['incremental_auth', '5000', '1'],
      ['incremental_auth', '17000', '1'],
    ],
  );
  await session.shootAndScan('05-increments-approved');
  const ledger = await purserLedger(gatewayUrl);
  assertOnce(ledger, 'after the postings');
  for (const r of records.slice(1)) {
    assert.deepEqual(
      ledger.filter((e) => e.invoice === r.reference).map((e) => [e.kind, e.status, e.amount]),
      [['incremental', 'approved', Number(r.amount)]],
      `increment ${r.amount} held once`,
    );
  }
});

test('the ship offline (a manager’s training control): a posting’s increment waits in the queue (outstanding count, amount, offline)', async () => {
  // Keyboard: the training panel's "Ship offline" is a manager's: the sign-in comes first.
  await page.getByTestId('purser-training-offline').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('manager-sign-in').waitFor();
  await page.keyboard.type(TRAINING_MANAGER_PIN);
  await page.keyboard.press('Enter');
  await trainingSaid('The ship is now offline');
  assertPlain(await page.getByTestId('purser-training').innerText(), 'training panel');
  await post('Jewellery shop', '300.00');
  const queue = page.getByTestId('purser-queue');
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-queue-total"]')?.getAttribute('data-count') === '1', undefined, { timeout: 30_000 });
  await page.getByTestId('purser-queue-send-now').click();
  await page.getByTestId('purser-queue-message').filter({ hasText: 'offline' }).waitFor({ timeout: 30_000 });
  assert.equal(await queue.getAttribute('data-online'), 'false');
  assert.equal(await page.getByTestId('purser-queue-total').getAttribute('data-amount'), '30000');
  assert.match(await page.getByTestId('purser-queue-link').innerText(), /offline/);
  assert.equal(await page.getByTestId('purser-queue-card').count(), 1);
  await page.getByTestId('purser-tab-cards').click();
  await waitForRecords('incremental_auth', 0, 1);
  const waiting = (await shownRecords(cards().first())).find((r) => r.status === '0')!;
  // Waiting to send, or sent with no answer (looked up before anything is sent again): never completed while offline.
  assert.ok(['0', '2'].includes(waiting.queue), `queue status ${waiting.queue}`);
  assertPlain(await page.getByTestId('purser-screen').innerText(), 'offline purser screen');
  await session.shootAndScan('06-offline-queue');
  assert.deepEqual(
    (await purserLedger(gatewayUrl)).filter((e) => e.invoice === waiting.reference),
    [],
    'nothing reached the processor while offline',
  );
  offlineIncrement = waiting.reference;
});

test('table 4-17 #1: a card registered while the ship is offline holds a temporary token; the queue shows it (count, amount, oldest age); nothing reached the processor', async () => {
  // Keyboard: the next card on the training PIN pad, a Mastercard ending 4444.
  await page.getByTestId('purser-training-brand').focus();
  await page.getByTestId('purser-training-brand').selectOption('mastercard');
  await page.keyboard.press('Tab');
  assert.equal(await focusedTestId(), 'purser-training-last-four');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('4444');
  await page.keyboard.press('Tab');
  assert.equal(await focusedTestId(), 'purser-training-present');
  await page.keyboard.press('Enter');
  await trainingSaid('The next card read on the PIN pad is a Mastercard ending 4444.');
  await openGuest('Katherine Johnson');
  await registerCard();
  await page.getByTestId('purser-message').filter({ hasText: PURSER_MESSAGES.registeredOffline }).waitFor();
  const card = cards().first();
  assert.equal(await card.getAttribute('data-active'), 'true', 'an offline approval counts as active');
  assert.match(await card.getByTestId('purser-card-masked').innerText(), /4444/);
  assert.equal((await card.getByTestId('purser-card-token').innerText()).trim(), 'Temporary token while the ship is offline');
  const [initial] = await shownRecords(card);
  // Table 4-22: status 0 (outstanding) with queue status 8 is the temporary token waiting for the real one.
  assert.deepEqual([initial.kind, initial.status, initial.queue, initial.amount], ['initial_auth', '0', '8', '10000']);
  offlineInitial = initial.reference;
  // The queue: Ada's increment ($300) and this hold ($100), two cards, the oldest record's age.
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-queue-total"]')?.getAttribute('data-count') === '2', undefined, { timeout: 30_000 });
  assert.equal(await page.getByTestId('purser-queue-total').getAttribute('data-amount'), '40000');
  const perCard = await page.getByTestId('purser-queue-card').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-count'), r.getAttribute('data-amount')]));
  assert.deepEqual(perCard.sort(), [['1', '10000'], ['1', '30000']]);
  assert.match(await page.getByTestId('purser-queue-card').filter({ hasText: 'Katherine Johnson' }).innerText(), /card ending 4444/);
  assert.match(await page.getByTestId('purser-queue-oldest').innerText(), /\S/);
  assert.equal(await page.getByTestId('purser-queue').getAttribute('data-online'), 'false');
  assertPlain(await page.getByTestId('purser-screen').innerText(), 'offline registration');
  await toTop();
  await session.shootAndScan('07-offline-registration');
  assert.deepEqual((await purserLedger(gatewayUrl)).filter((e) => e.invoice === offlineInitial), [], 'the PIN pad kept it: the processor has not seen it');
});

test('back online (mouse): Send now drains the queue; the PIN pad uploads the offline hold, the real token replaces the temporary one; every record completed and at the processor once', async () => {
  await page.getByTestId('purser-training-online').click();
  await trainingSaid('The ship is back online');
  await page.getByTestId('purser-queue-send-now').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-queue-total"]')?.getAttribute('data-count') === '0', undefined, { timeout: 30_000 });
  await waitForRecords('initial_auth', 1, 1);
  const card = cards().first();
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-card-token"]')?.textContent?.trim() === 'From the card company');
  // Table 4-22: approved (1), completed (8).
  assert.deepEqual(
    (await shownRecords(card)).map((r) => [r.kind, r.status, r.queue]),
    [['initial_auth', '1', '8']],
  );
  assert.equal(await page.getByTestId('purser-queue').getAttribute('data-online'), 'true');
  assert.equal(await page.getByTestId('purser-queue-card').count(), 0);
  await toTop();
  await session.shootAndScan('08-back-online-drained');
  const ledger = await purserLedger(gatewayUrl);
  assertOnce(ledger, 'after the queue drained');
  assert.deepEqual(
    ledger.filter((e) => e.invoice === offlineIncrement).map((e) => [e.kind, e.status, e.amount]),
    [['incremental', 'approved', 30000]],
    'the queued increment reached the processor once',
  );
  assert.deepEqual(
    ledger.filter((e) => e.invoice === offlineInitial).map((e) => [e.kind, e.status, e.amount]),
    [['auth', 'approved', 10000]],
    'the offline hold reached the processor once, uploaded by the PIN pad',
  );
  // Ada's increment, on her card tab: approved and completed.
  await openGuest('Ada Lovelace');
  await page.getByTestId('purser-tab-cards').click();
  await waitForRecords('incremental_auth', 1, 3);
  const ada = (await shownRecords(cards().first())).find((r) => r.reference === offlineIncrement)!;
  assert.deepEqual([ada.status, ada.queue], ['1', '8']);
  // The manager signs out: the parameters screen asks again.
  await page.getByTestId('sign-out').click();
  await page.getByTestId('manager-sign-in-open').waitFor();
});

/** Opens a guest by name from the search field. */
async function openGuest(name: string): Promise<void> {
  const search = page.getByTestId('purser-search-input');
  await search.fill(name);
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('[data-testid="purser-guest-row"]')];
    return rows.length === 1 && rows[0].textContent!.includes(n);
  }, name);
  await search.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('purser-guest-header').filter({ hasText: name }).waitFor();
}

/** Registers the PIN pad's card for the open guest. */
async function registerCard(): Promise<void> {
  await page.getByTestId('purser-tab-cards').click();
  const before = await cards().count();
  await page.getByTestId('purser-register-card').click();
  await page.getByTestId('register-card-dialog').waitFor();
  await page.getByTestId('register-card-start').click();
  await page.getByTestId('register-card-dialog').waitFor({ state: 'detached', timeout: 60_000 });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="purser-card"]').length === n, before + 1);
}

test('manager parameters: every parameter with its meaning; a manager signs in and sets "disable card and posting when auth is declined" to 1', async () => {
  await page.getByTestId('purser-open-parameters').click();
  await page.getByTestId('manager-sign-in').waitFor();
  await page.keyboard.type(TRAINING_MANAGER_PIN);
  await page.keyboard.press('Enter');
  await page.getByTestId('purser-parameters-screen').waitFor();
  await page.getByTestId('purser-parameter').first().waitFor();
  const meanings = await page.getByTestId('purser-parameter-meaning').allInnerTexts();
  assert.equal(meanings.length, 17, 'every parameter is listed');
  assert.ok(meanings.every((m) => m.trim().length > 20), 'each with its meaning');
  // Refused here before anything is sent: an initial authorisation of nothing.
  const initial = page.locator('[data-testid="purser-parameter"][data-name="onlineInitialAuthAmount"]');
  await initial.getByTestId('param-onlineInitialAuthAmount-input').fill('abc');
  await initial.getByTestId('purser-parameter-save').click();
  assert.match(await initial.getByTestId('purser-parameter-message').innerText(), /type an amount/);
  await initial.getByTestId('param-onlineInitialAuthAmount-input').fill('100.00');
  const decline = page.locator('[data-testid="purser-parameter"][data-name="disableCardAndPostingOnDecline"]');
  await decline.getByTestId('param-disableCardAndPostingOnDecline-1').check();
  await decline.getByTestId('purser-parameter-save').click();
  await decline.getByTestId('purser-parameter-message').filter({ hasText: 'Saved' }).waitFor();
  await session.shootAndScan('09-parameters');
  await page.keyboard.press('F1');
  await page.getByTestId('purser-screen').waitFor();
});

test('decline cascade (table 4-18 #2, parameter 1): an added authorisation declined deactivates the card, invoices go to cash, posting is disabled; an initial decline leaves the card inactive', async () => {
  await openGuest('Grace Hopper');
  await registerCard();
  await waitForRecords('initial_auth', 1, 1);
  // Table 4-16: an authorisation added by hand; the simulated issuer declines amounts ending in 51 cents.
  await page.getByTestId('purser-card-add-auth').click();
  await page.getByTestId('add-auth-dialog').waitFor();
  assert.equal(await focusedTestId(), 'add-auth-amount', 'focus starts on the amount');
  await page.keyboard.type('10.51');
  await session.shootAndScan('10-add-authorisation');
  await page.keyboard.press('Enter');
  await page.getByTestId('add-auth-dialog').waitFor({ state: 'detached' });
  await waitForRecords('incremental_auth', 2, 1);
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-card"]')?.getAttribute('data-active') === 'false');
  const card = cards().first();
  await page.getByTestId('purser-message').filter({ hasText: 'Incremental authorisation of $10.51 on Visa ending 1111 was declined.' }).waitFor();
  assert.match(await card.getByTestId('purser-card-lock').innerText(), /declined/);
  assert.equal((await page.getByTestId('purser-guest-department').innerText()).trim(), 'Cash');
  assert.equal(await card.getByTestId('purser-card-activate').isEnabled(), true, 'lock 0: it may be activated again');
  const declined = (await shownRecords(card)).find((r) => r.status === '2')!;
  assert.deepEqual(
    (await purserLedger(gatewayUrl)).filter((e) => e.invoice === declined.reference).map((e) => [e.kind, e.status]),
    [['incremental', 'declined']],
    'the processor declined it, once',
  );
  await session.shootAndScan('11-decline-cascade');
  await page.getByTestId('purser-tab-folio').click();
  await page.getByTestId('purser-posting-disabled').waitFor();

  // An initial authorisation declined at registration: the card is on file, inactive (table 4-7).
  await simulate('decline');
  await openGuest('Alan Turing');
  await registerCard();
  await waitForRecords('initial_auth', 2, 1);
  assert.equal(await cards().first().getAttribute('data-active'), 'false');
  assert.match(await cards().first().getByTestId('purser-card-lock').innerText(), /declined/);
  await simulate('normal');
});

test('decline cascade to a second card (table 4-18 #2, parameter 1): a second card chosen on the training PIN pad; the first card’s next authorisation declined; invoices routed to the second card, posting stays enabled; the processor captured the folio from the second card', async () => {
  await openGuest('Katherine Johnson');
  await page.getByTestId('purser-tab-cards').click();
  // The next card on the PIN pad: a Discover ending 6789 (the manager who set the parameters is still signed in).
  await trainingCard('discover', '6789', 'present');
  await trainingSaid('The next card read on the PIN pad is a Discover ending 6789.');
  await registerCard();
  await waitForRecords('initial_auth', 1, 1, 1);
  const [first, second] = [cards().nth(0), cards().nth(1)];
  assert.match(await second.getByTestId('purser-card-masked').innerText(), /6789/);
  assert.equal(await second.getAttribute('data-active'), 'true');
  assert.equal((await page.getByTestId('purser-guest-department').innerText()).trim(), 'Mastercard ending 4444', 'invoices go to the first card by routing order');
  await toTop();
  await session.shootAndScan('12-second-card-registered');

  // The card company will decline the first card's next authorisation; a posting raises it.
  await trainingCard('mastercard', '4444', 'decline');
  await trainingSaid('will decline the next authorisation of the Mastercard ending 4444');
  await post('Gala dinner', '150.00', 'on Mastercard ending 4444 was declined');
  await page.getByTestId('purser-tab-cards').click();
  await waitForRecords('incremental_auth', 2, 1, 0);
  await page.getByTestId('purser-message').filter({ hasText: 'Incremental authorisation of $50.00 on Mastercard ending 4444 was declined.' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-card"]')?.getAttribute('data-active') === 'false');
  assert.match(await first.getByTestId('purser-card-lock').innerText(), /declined/);
  assert.equal(await second.getAttribute('data-active'), 'true');
  assert.equal((await page.getByTestId('purser-guest-department').innerText()).trim(), 'Discover ending 6789', 'the invoices are routed to the second card');
  const declined = (await shownRecords(first)).find((r) => r.status === '2')!;
  assert.deepEqual(
    (await purserLedger(gatewayUrl)).filter((e) => e.invoice === declined.reference).map((e) => [e.kind, e.status]),
    [['incremental', 'declined']],
    'the processor declined the first card’s increment, once',
  );
  // Posting stays enabled (another card takes the invoices): the next posting is authorised on the second card.
  await post('Spa', '80.00');
  await page.getByTestId('purser-tab-cards').click();
  await page.waitForFunction(
    () => {
      const card = document.querySelectorAll('[data-testid="purser-card"]')[1];
      return !!card && [...card.querySelectorAll('[data-testid="purser-record"]')].filter((r) => r.getAttribute('data-status') === '1').length >= 2;
    },
    undefined,
    { timeout: 30_000 },
  );
  assertPlain(await page.getByTestId('purser-guest').innerText(), 'cascade card tab');
  await toTop();
  await session.shootAndScan('13-cascade-second-card');

  // Checkout: Pay invoice settles on the second card.
  await page.getByTestId('purser-tab-pay').click();
  assert.equal(await page.getByTestId('purser-pay-amount').inputValue(), '230.00');
  assert.equal(await page.getByTestId('purser-pay-method-card').isChecked(), true);
  await page.getByTestId('purser-pay-submit').click();
  await page.getByTestId('purser-message').filter({ hasText: 'Settlement is done' }).waitFor({ timeout: 30_000 });
  await page.getByTestId('purser-tab-cards').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="purser-card"]')[1]?.querySelector('[data-testid="purser-settlements"] [data-status="1"]') !== null, undefined, { timeout: 30_000 });
  const settlement = (await shownRecords(second)).find((r) => r.kind === 'settlement')!;
  assert.equal((await shownRecords(first)).filter((r) => r.kind === 'settlement').length, 0, 'nothing settled on the declined card');
  const ledger = await purserLedger(gatewayUrl);
  assertOnce(ledger, 'after the cascade');
  assert.deepEqual(
    ledger.filter((e) => e.invoice === settlement.reference).map((e) => [e.kind, e.status, e.amount, e.maskedPan?.slice(-4)]),
    [['capture', 'approved', 23000, '6789']],
    'the processor captured the folio once, from the second card',
  );
});

test('checkout: Pay invoice settles the folio on the card (table 4-9), the card deactivated; the processor captured once; a void asks the seed’s question and refunds once', async () => {
  await openGuest('Ada Lovelace');
  await page.getByTestId('purser-tab-pay').click();
  const amount = page.getByTestId('purser-pay-amount');
  assert.equal(await amount.inputValue(), '620.00', 'the balance is offered');
  assert.equal(await page.getByTestId('purser-pay-method-card').isChecked(), true, 'the card on file by default');
  await session.shootAndScan('14-pay-invoice');
  // Table 4-12: a negative amount turns Pay into Refund.
  await amount.fill('-20.00');
  await page.getByTestId('purser-refund-submit').waitFor();
  assert.equal(await page.getByTestId('purser-pay-submit').count(), 0);
  await amount.fill('620.00');
  await page.getByTestId('purser-pay-submit').waitFor();
  await amount.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('purser-message').filter({ hasText: 'Settlement is done. The card is currently deactivated.' }).waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId('purser-guest-balance').innerText()).trim(), '$0.00');
  await page.getByTestId('purser-tab-cards').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-card"] [data-testid="purser-settlements"] [data-status="1"]') !== null, undefined, { timeout: 30_000 });
  const card = cards().first();
  assert.equal(await card.getAttribute('data-active'), 'false');
  assert.match(await card.getByTestId('purser-card-lock').innerText(), /Settlement or reversal is done for this card, please get credit card again/);
  await session.shootAndScan('15-settled-card-locked');
  const settlement = (await shownRecords(card)).find((r) => r.kind === 'settlement')!;
  const ledger = await purserLedger(gatewayUrl);
  assertOnce(ledger, 'after checkout');
  assert.deepEqual(
    ledger.filter((e) => e.invoice === settlement.reference).map((e) => [e.kind, e.status, e.amount]),
    [['capture', 'approved', 62000]],
    'captured once, the whole folio',
  );

  // The processor refunds only a settled capture: the day's batch is closed first.
  const closed = await fetch(new URL('_control/batch-close', gatewayUrl), { method: 'POST', headers: { [CONTROL_KEY_HEADER]: TRAINING_GATEWAY_KEY } });
  assert.ok(closed.ok);
  await page.getByTestId('purser-tab-pay').click();
  await page.getByTestId('purser-payment-void').click();
  const dialog = page.getByTestId('purser-void-dialog');
  await dialog.waitFor();
  assert.equal(
    (await page.getByTestId('purser-void-question').innerText()).trim(),
    'By voiding the payment, you need to swipe credit card again or change to another payment type. Are you sure you want to void the payment?',
  );
  await session.shootAndScan('16-void-confirmation');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('purser-screen').isVisible(), true, 'Escape closed the dialog, not the screen');
  await page.getByTestId('purser-payment-void').click();
  await page.getByTestId('purser-void-yes').click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-payment"][data-status="voided"]') !== null, undefined, { timeout: 30_000 });
  // The refund goes out through the queue: wait for the processor to have it, then check nothing more came.
  const refunds = async () => (await purserLedger(gatewayUrl)).filter((e) => e.kind === 'refund' && e.status !== 'declined');
  for (let waited = 0; (await refunds()).length === 0 && waited < 30_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
  await page.getByTestId('purser-queue-send-now').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="purser-queue-total"]')?.getAttribute('data-count') === '0', undefined, { timeout: 30_000 });
  assert.deepEqual((await refunds()).map((e) => e.amount), [62000], 'refunded once');
  // The card tab lists the settlement and its refund, each with its status and queue words.
  await page.getByTestId('purser-tab-cards').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="purser-record"][data-kind="refund"][data-status="1"]').length === 1, undefined, { timeout: 30_000 });
  await page.getByTestId('purser-record').filter({ hasText: 'Refund' }).first().scrollIntoViewIfNeeded();
  assertPlain(await page.getByTestId('purser-guest').innerText(), 'card tab after the void');
  await session.shootAndScan('17-settlement-and-refund');
  assert.deepEqual(pageErrors, []);
});

test('the once-check is not satisfied by a ledger where a hold reached the processor twice (a deliberately broken variant)', () => {
  const row = (kind: string, invoice: string, status = 'approved'): LedgerRow => ({ kind, invoice, status, amount: 5000 });
  const good = [row('auth', '1G1C1R1'), row('incremental', '1G1C1R2'), row('incremental', '1G1C1R3', 'declined'), row('incremental', '1G1C1R3')];
  assert.ok(good.every((r) => PURSER_REFERENCE.test(r.invoice)) && !PURSER_REFERENCE.test('R1T5P1'), 'purser references, not ticket invoices');
  assert.doesNotThrow(() => assertOnce(good, 'one each'));
  assert.throws(() => assertOnce([...good, row('incremental', '1G1C1R2')], 'broken'), /reached the processor twice/);
  assert.throws(() => assertOnce([row('capture', '1G1C1R4'), row('capture', '1G1C1R4')], 'broken'), /reached the processor twice/);
});
