// The manager's and purser's screens load on first use (lazy-screen.tsx). A
// screen whose code cannot be fetched (in browser mode the host serves it,
// and the host may be restarting) says so in plain words and opens on "Try
// again" once it can, and the register behind it keeps working; once the
// host answers, every screen's code is fetched in the background, so a host
// that goes away later does not stop a screen from opening.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { TRAINING_MANAGER_PIN } from '../src-main/staff/staff-service.ts';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession, TRAINING_REGISTER_1024 } from './fixtures/spec-session.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const SPEC = 'lazy-screens';
const dir = e2eWorkDir('cashier-e2e-lazy-');
const host = new HostProcess(path.join(dir, 'journal.sqlite'));
const session = new SpecSession(SPEC);
let page: Page;
const END_OF_DAY_CHUNK = /\/assets\/end-of-day-screen-[^/]+\.js$/;
let refused = 0;
const refuse = (route: Route) => {
  refused++;
  return route.abort('connectionrefused');
};

before(async () => {
  await session.start([host], {
    ...TRAINING_REGISTER_1024,
    // Before the page loads: the end-of-day screen's code cannot be fetched, the background fetch included.
    beforeGoto: (p) => p.route(END_OF_DAY_CHUNK, refuse),
  });
  page = session.page;
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

test('the register does not load the manager screens\' code until asked; the rest is fetched in the background', async () => {
  // The background fetch runs once the host answers: it tried the refused chunk too.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /settlement-review-screen-/.test(e.name)), undefined, { timeout: 20_000 });
  assert.ok(refused >= 1, 'the background fetch asked for the end-of-day screen too');
  await page.getByTestId('register-screen').waitFor();
});

test('a screen whose code cannot be fetched says so in plain words; the register is still usable; Try again opens it once it can be fetched', async () => {
  await page.keyboard.press('F5');
  const signIn = page.getByTestId('manager-sign-in');
  if (await signIn.isVisible().catch(() => false)) {
    await page.keyboard.type(TRAINING_MANAGER_PIN);
    await page.keyboard.press('Enter');
    await signIn.waitFor({ state: 'hidden' });
  }
  const failed = page.getByTestId('screen-load-failed');
  await failed.waitFor();
  const words = await failed.innerText();
  assert.match(words, /This screen could not be opened/);
  assert.doesNotMatch(words, /127\.0\.0\.1|http|\.js|chunk|import/i);
  await session.shootAndScan('01-screen-load-failed');
  // The register behind is fine.
  await page.getByTestId('nav-register').click();
  await page.getByTestId('register-screen').waitFor();
  // Still refused: F5 again says the same. Then the code can be fetched: Try again (keyboard) opens the report.
  await page.keyboard.press('F5');
  await failed.waitFor();
  await page.unroute(END_OF_DAY_CHUNK, refuse);
  await failed.getByRole('button', { name: 'Try again' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('end-of-day-screen').waitFor({ timeout: 20_000 });
  assert.deepEqual(session.pageErrors.filter((e) => !/end-of-day-screen|Failed to fetch dynamically imported module|net::ERR_CONNECTION_REFUSED/.test(e)), []);
});
