// "Please Complete Payment" with the PIN pad's live prompt: the training PIN
// pad reports present card → PIN → authorising while the sale runs (PAX status
// frames), status.changed carries the words, and the dialog shows them under
// its title. The simulated customer is slow (6 s) so each prompt is on screen
// long enough to be seen and kept as a screenshot.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession, trainingPadConnected } from './fixtures/spec-session.ts';
import { snap } from './fixtures/browser-session.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

// The screenshot belongs with the payment flow's series, ahead of its first step.
const SPEC = 'payment-flow';
const dir = e2eWorkDir('cashier-e2e-pinpad-');
const host = new HostProcess(path.join(dir, 'journal.sqlite'), 30_000, {
  extraArgs: ['--cancel-after-seconds', '30', '--card-time-ms', '6000'],
});
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];

before(async () => {
  await session.start([host], {
    // Every live line the dialog shows, in order, even short ones.
    beforeGoto: (p) =>
      p.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { __lines: string[] }).__lines = seen;
        new MutationObserver(() => {
          const line = document.querySelector('[data-testid="payment-pin-pad-status"]')?.textContent ?? '';
          if (line && seen.at(-1) !== line) seen.push(line);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      }),
    ready: (p) => trainingPadConnected(p, 20_000),
  });
  ({ page, pageErrors } = session);
});

after(async () => {
  await session.stop();
  releaseE2eWorkDir(dir);
});

const pinPadLine = (words: string, timeout = 10_000) =>
  page.locator('[data-testid="payment-pin-pad-status"]', { hasText: words }).waitFor({ timeout });

test('the dialog shows the PIN pad prompt live under "Please Complete Payment", then the result', async () => {
  await page.keyboard.press('F9');
  await page.keyboard.press('c');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-line"]').length === 1);
  await page.keyboard.press('F4');
  await page.getByTestId('payment-dialog').waitFor();
  await pinPadLine('Insert, tap or swipe the card');
  assert.equal(await page.getByTestId('payment-title').innerText(), 'Please Complete Payment');
  await pinPadLine('Customer is entering the PIN');
  assert.match(await page.getByTestId('payment-elapsed').innerText(), /^\d+:\d\d$/);
  await snap(page, SPEC, '00-pin-pad-prompt');
  await page.locator('[data-testid="payment-dialog"][data-phase="approved"]').waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId('payment-pin-pad-status').count(), 0, 'the live line goes with the attempt at the PIN pad');
  const lines = await page.evaluate(() => (window as unknown as { __lines: string[] }).__lines);
  const order = ['Insert, tap or swipe the card', 'Customer is entering the PIN'].map((w) => lines.findIndex((l) => l.includes(w)));
  assert.ok(order[0] >= 0 && order[1] > order[0], `lines seen: ${JSON.stringify(lines)}`);
  assert.deepEqual(pageErrors, []);
});
