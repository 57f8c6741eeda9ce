// A force-close loses nothing: ring a ticket, SIGKILL the host, restart it on
// the same journal and find the ticket open with its lines and total.

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

const SPEC = 'crash-recovery';
const dir = e2eWorkDir('cashier-e2e-');
const host = new HostProcess(path.join(dir, 'journal.sqlite'));
const session = new SpecSession(SPEC);
let page: Page;
let ticketNumber = '';

before(async () => {
  await session.start([host]);
  page = session.page;
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

const text = (testId: string) => page.getByTestId(testId).innerText();

test('a ticket is rung and main has answered every line', async () => {
  await page.getByTestId('catalog-item-bagel').waitFor();
  for (const key of ['b', 'k', 'k']) await page.keyboard.press(key); // Bagel 3.25, Cookie 1.95 ×2
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 3);
  assert.equal(await text('ticket-total'), '$7.15');
  ticketNumber = (await page.getByTestId('ticket').getAttribute('data-ticket-number')) ?? '';
  assert.ok(ticketNumber, 'ticket has a number');
  await page.getByTestId(`open-ticket-${ticketNumber}`).waitFor();
  await snap(page, SPEC, '01-ticket-rung');
});

test('SIGKILL of the host: the page says the host is lost and reconnecting', async () => {
  await host.kill();
  const banner = page.getByTestId('connection-lost');
  await banner.waitFor();
  assert.equal(await banner.innerText(), 'Connection to the register host lost, reconnecting…');
  await snap(page, SPEC, '02-host-killed');
});

test('after a restart on the same journal the ticket is open with its lines and total', async () => {
  const url = await host.restart();
  await page.goto(url);
  const entry = page.getByTestId(`open-ticket-${ticketNumber}`);
  await entry.waitFor();
  assert.match(await entry.innerText(), /3 lines/);
  assert.match(await entry.innerText(), /\$7\.15/);
  await snap(page, SPEC, '03-restarted-open-list');

  // Keyboard only: F8 focuses the open-ticket list, Enter opens the ticket.
  await page.keyboard.press('F8');
  assert.equal(await entry.evaluate((el) => el === document.activeElement), true, 'F8 focused the open ticket');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 3);
  assert.equal(await page.getByTestId('ticket').getAttribute('data-ticket-number'), ticketNumber);
  assert.deepEqual(await page.locator('[data-testid="ticket-line"] .line-desc').allInnerTexts(), ['Bagel', 'Cookie', 'Cookie']);
  assert.equal(await text('ticket-total'), '$7.15');
  assert.equal(await page.getByTestId('ticket').getAttribute('data-status'), 'open');
  await snap(page, SPEC, '04-ticket-recovered');
});
