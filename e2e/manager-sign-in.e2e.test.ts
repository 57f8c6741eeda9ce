// Manager sign-in in browser mode (issue 11 §1), keyboard first, then mouse.
// The first manager comes from the staff CLI (as in a store); training mode shows
// the demo manager's PIN in the dialog. A manager action tried without a session
// (Check the journal on Settings) opens the focus-trapped sign-in dialog; a wrong
// PIN is refused in plain words; the right one runs the action and the header
// says who is signed in. Then, with the mouse: sign out, sign in as the training
// manager from the Staff screen, add a cashier. Every screen is scanned with axe
// and shot at both register sizes.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { addStaffToJournal } from '../src-main/staff/staff-cli.ts';
import { TRAINING_MANAGER_PIN } from '../src-main/staff/staff-service.ts';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession } from './fixtures/spec-session.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'manager-sign-in';
const PIN = '736251';
const dir = e2eWorkDir('cashier-e2e-signin-');
const journalPath = path.join(dir, 'journal.sqlite');
const host = new HostProcess(journalPath, 30_000, { training: true });
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];

before(async () => {
  await addStaffToJournal(journalPath, { name: 'Dana Manager', role: 'manager', pin: PIN });
  await session.start([host], { ready: (p) => p.getByTestId('register-screen').waitFor() });
  ({ page, pageErrors } = session);
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

const insideDialog = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid="manager-sign-in"]'));

test('keyboard: a manager action without a session opens the sign-in dialog; focus is trapped; Escape cancels it', async () => {
  await page.keyboard.press('F7');
  await page.getByTestId('settings-screen').waitFor();
  await page.getByTestId('manager-sign-in-open').waitFor();
  await page.getByTestId('journal-verify').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('manager-sign-in');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'sign-in-pin', 'focus starts on the PIN field');
  assert.match(await page.getByTestId('training-pin').innerText(), new RegExp(`Training manager PIN: ${TRAINING_MANAGER_PIN}`));
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await insideDialog(), `Tab ${i + 1} stays in the dialog`);
  }
  await page.keyboard.press('Shift+Tab');
  assert.ok(await insideDialog());
  await session.shootAndScan('01-sign-in-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  const refused = page.getByTestId('journal-verify-result');
  await refused.waitFor();
  assert.equal(await refused.getAttribute('data-ok'), 'false', 'the cancelled action did not run');
  assert.match(await refused.innerText(), /A manager must sign in for this/);
});

test('keyboard: a wrong PIN is refused in plain words; the right one runs the action and the header says who is signed in', async () => {
  await page.getByTestId('journal-verify').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('manager-sign-in').waitFor();
  await page.keyboard.type('918273');
  await page.keyboard.press('Enter');
  const error = page.getByTestId('sign-in-error');
  await error.waitFor();
  assert.match(await error.innerText(), /^That PIN is not right\. 4 more tries before PIN sign-in locks\.$/);
  assert.equal(await page.getByTestId('sign-in-pin').inputValue(), '', 'the PIN field is cleared');
  await session.shootAndScan('02-wrong-pin');
  await page.keyboard.type(PIN);
  await page.keyboard.press('Enter');
  await page.getByTestId('manager-sign-in').waitFor({ state: 'hidden' });
  await page.locator('[data-testid="journal-verify-result"][data-ok="true"]').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('signed-in-name').innerText(), 'Signed in: Dana Manager (manager)');
  await session.shootAndScan('03-signed-in');
});

test('mouse: sign out; the Staff screen asks for a manager; the training manager signs in and adds a cashier', async () => {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('manager-sign-in-open').waitFor();
  await page.getByTestId('nav-staff').click();
  await page.getByTestId('staff-screen').waitFor();
  await page.getByTestId('manager-sign-in').waitFor();
  await page.getByTestId('sign-in-cancel').click();
  await page.getByTestId('manager-sign-in').waitFor({ state: 'hidden' });
  await page.getByTestId('staff-sign-in').click();
  await page.getByTestId('sign-in-pin').click();
  await page.getByTestId('sign-in-pin').fill(TRAINING_MANAGER_PIN);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('staff-table').waitFor();
  assert.equal(await page.getByTestId('signed-in-name').innerText(), 'Signed in: Training Manager (manager)');
  assert.deepEqual(await page.getByTestId('staff-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name'))), ['Dana Manager']);

  await page.getByTestId('staff-name').click();
  await page.getByTestId('staff-name').fill('Sam Cashier');
  await page.getByTestId('staff-role').selectOption('cashier');
  await page.getByTestId('staff-pin').fill('5566');
  await page.getByTestId('staff-add').click();
  await page.locator('[data-testid="staff-row"][data-name="Sam Cashier"]').waitFor();
  assert.match(await page.getByTestId('staff-message').innerText(), /Sam Cashier was added/);
  const text = await page.getByTestId('staff-screen').innerText();
  assert.ok(!text.includes('5566') && !text.includes(PIN), 'no PIN is ever shown');
  await session.shootAndScan('04-staff-screen');
});

test('the page raised no script errors and no CSP violations', () => {
  assert.deepEqual(pageErrors, []);
});
