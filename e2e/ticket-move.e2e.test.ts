// Moving an open ticket between two registers of one store in browser mode
// (issue 13 §3): two headless training hosts with their own journals and one
// throw-away PostgreSQL. At till 1 the cashier rings a ticket, opens the open
// tickets (F8) and moves it to Till 2 with the keyboard; it leaves till 1's
// list. At till 2 it shows under "Tickets moved here" and opens as a ticket of
// till 2 with the same lines. Plain words, axe-core clean.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStoreTestCluster, type StoreTestCluster } from '../src-main/store/store-test-rig.ts';
import { seriousA11yViolations } from './fixtures/axe-scan.ts';
import { storeTillHosts } from './fixtures/host-process.ts';
import { SpecSession } from './fixtures/spec-session.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const dir = e2eWorkDir('cashier-e2e-ticket-move-');
let cluster: StoreTestCluster;
const session = new SpecSession('ticket-move');
const { pages, errors } = session;

before(async () => {
  cluster = await startStoreTestCluster();
  const storeUrl = await cluster.createStoreDatabase();
  await session.start(storeTillHosts(dir, storeUrl), {
    size: { width: 1280, height: 800 },
    timeoutMs: 20_000,
    ready: async (p) => {
      await p.getByTestId('status-bar').waitFor();
      await p.getByTestId('register-screen').waitFor();
    },
  });
});

after(async () => {
  await session.stop();
  await cluster?.stop();
  releaseE2eWorkDir(dir);
});

test('a ticket rung at till 1 is moved to Till 2 from the open tickets with the keyboard and opened there with its lines', { timeout: 240_000 }, async () => {
  const [one, two] = pages;
  await one.keyboard.press('F9');
  for (const k of 'cc') await one.keyboard.press(k);
  await one.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 2);
  const total = (await one.getByTestId('ticket-total').innerText()).trim();

  // F8 puts the focus on the open tickets; Tab reaches "Move to register…" of the first one.
  await one.keyboard.press('F8');
  await one.keyboard.press('Tab');
  const focused = await one.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
  // The newest open ticket is first: the one just rung.
  const n = /^move-ticket-(\d+)$/.exec(focused)?.[1];
  assert.ok(n, `focus on a Move button, not ${focused}`);
  await one.keyboard.press('Enter');
  const dialog = one.getByTestId('move-ticket-dialog');
  await dialog.waitFor();
  // Till 2 is known to the store once its relay has carried its register row: ask again until it is.
  const target = one.getByTestId('move-to-reg2');
  for (let i = 0; i < 60 && !(await target.isVisible()); i++) {
    await one.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 500));
    await one.getByTestId(`move-ticket-${n}`).click();
    await dialog.waitFor();
    await one.waitForTimeout(300);
  }
  const words = await dialog.innerText();
  assert.ok(words.includes(`Move ticket #${n} to another register`), words);
  assert.match(words, /Till 2/);
  assert.doesNotMatch(words, /127\.0\.0\.1|postgres|reg\d/);
  assert.deepEqual(await seriousA11yViolations(one), [], 'axe on the move dialog');
  await one.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'move-to-reg2');
  await one.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await one.getByTestId(`open-ticket-${n}`).waitFor({ state: 'detached' });

  // Till 2: F8 asks the store; the ticket shows under "Tickets moved here".
  await two.keyboard.press('F8');
  const here = two.getByTestId('moved-here');
  for (let i = 0; i < 30 && !(await here.isVisible()); i++) {
    await new Promise((r) => setTimeout(r, 500));
    await two.keyboard.press('F8');
  }
  const list = await here.innerText();
  assert.match(list, /Tickets moved here/);
  assert.ok(list.includes(`#${n} from Till 1`), list);
  assert.match(list, /2 lines/);
  assert.doesNotMatch(list, /127\.0\.0\.1|postgres|reg\d/);
  await here.locator('button').first().click();
  await here.waitFor({ state: 'detached' });
  await two.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 2);
  assert.equal((await two.getByTestId('ticket-total').innerText()).trim(), total);
  assert.deepEqual(await seriousA11yViolations(two), [], 'axe on till 2 with the received ticket');
  assert.deepEqual(errors.flat(), []);
});
