// Device settings in browser mode, keyboard first: a manager adds a PIN pad,
// tests it against a dead port (clear failure), fixes a typo the form refuses,
// tests it against a real PAX simulator (connected), saves and assigns it, and
// the status bar follows the device live.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../drivers/pax/simulator/pax-simulator-cli.ts';
import { HostProcess } from './fixtures/host-process.ts';
import { SpecSession } from './fixtures/spec-session.ts';
import { snap } from './fixtures/browser-session.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';
import { addStaffToJournal } from '../src-main/staff/staff-cli.ts';

const SPEC = 'device-settings';
const dir = e2eWorkDir('cashier-e2e-settings-');
// Not --training: the register starts on the training simulators only until a PIN pad is assigned.
const host = new HostProcess(path.join(dir, 'journal.sqlite'), 30_000, { training: false });
/** The store's manager, made with the staff CLI before the first start; settings changes need them (issue 11 §1). */
const MANAGER_PIN = '736251';
const session = new SpecSession(SPEC);
let page: Page;
let pageErrors: string[];
let sim: RunningSimulator | undefined;
let deadPort: number;

/** A port nothing listens on: bound by us, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

before(async () => {
  sim = await startSimulator({ port: 0, deviceId: 'E2EPAX01', controlPort: 0, duplicateCheck: true });
  deadPort = await freePort();
  await addStaffToJournal(path.join(dir, 'journal.sqlite'), { name: 'Store Manager', role: 'manager', pin: MANAGER_PIN });
  await session.start([host], { ready: (p) => p.getByTestId('register-screen').waitFor() });
  ({ page, pageErrors } = session);
});

after(async () => {
  await session.stop();
  await sim?.stop();
  releaseE2eWorkDir(dir);
});

const field = (name: string) => page.getByTestId(`device-field-${name}`);

test('F7 opens Settings: no devices yet, and every device kind can be added', async () => {
  await page.keyboard.press('F7');
  await page.getByTestId('settings-screen').waitFor();
  await page.getByTestId('devices-empty').waitFor();
  for (const kind of ['pin_pad', 'card_reader', 'printer']) await page.getByTestId(`device-add-${kind}`).waitFor();
  await snap(page, SPEC, '01-no-devices');
});

test('a PIN pad pointed at a dead port: Test connection says so in plain words, nothing is saved', async () => {
  await page.getByTestId('device-add-pin_pad').click();
  await field('name').fill('Front counter');
  await field('model').fill('PAX A920');
  await field('host').fill('127.0.0.1');
  await field('port').fill(String(deadPort));
  await field('connectSeconds').fill('2');
  await page.getByTestId('device-test-draft').click();
  // Testing a device is a manager action: the sign-in dialog asks first, then the test runs.
  await page.getByTestId('manager-sign-in').waitFor();
  await page.keyboard.type(MANAGER_PIN);
  await page.keyboard.press('Enter');
  await page.getByTestId('manager-sign-in').waitFor({ state: 'hidden' });
  assert.equal(await page.getByTestId('signed-in-name').innerText(), 'Signed in: Store Manager (manager)');
  const result = page.getByTestId('device-test-result');
  await result.waitFor({ timeout: 20_000 });
  assert.equal(await result.getAttribute('data-ok'), 'false');
  const words = await result.innerText();
  assert.match(words, new RegExp(`127\\.0\\.0\\.1:${deadPort}`));
  assert.match(words, /refused|not listening|nothing is listening|no answer/i);
  assert.match(words, /check/i, 'says what to check');
  await page.getByTestId('devices-empty').waitFor();
  await snap(page, SPEC, '02-test-dead-port');
});

test('a mistyped address is refused beside its field before anything is sent', async () => {
  await field('host').fill('999.1.1.1');
  await field('connectSeconds').fill('0.05');
  await page.getByTestId('device-save').click();
  assert.match(await page.getByTestId('device-error-host').innerText(), /IP address/);
  assert.match(await page.getByTestId('device-error-connectSeconds').innerText(), /at least 0\.2 s/);
  assert.equal(await field('host').getAttribute('aria-invalid'), 'true');
  await page.getByTestId('devices-empty').waitFor();
  await snap(page, SPEC, '03-invalid-fields');
});

test('pointed at the PAX simulator, Test connection reports it connected', async () => {
  await field('host').fill('127.0.0.1');
  await field('connectSeconds').fill('2');
  await field('port').fill(String(sim!.ports.tcpPort));
  await page.getByTestId('device-test-draft').click();
  const result = page.locator('[data-testid="device-test-result"][data-ok="true"]');
  await result.waitFor({ timeout: 20_000 });
  assert.match(await result.innerText(), /connected/i);
  await snap(page, SPEC, '04-test-simulator-connected');
});

test('Save (keyboard: Enter) journals the PIN pad and puts it in use; the status bar follows it live', async () => {
  await field('model').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('device-editor').waitFor({ state: 'detached' });
  const row = page.locator('[data-testid="device-row"][data-device-name="Front counter"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-assigned'), 'true');
  assert.match(await row.innerText(), new RegExp(`127\\.0\\.0\\.1:${sim!.ports.tcpPort}`));
  // Training stops once a real PIN pad is assigned, and the status bar names the new one.
  const terminal = page.getByTestId('status-terminal');
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="status-terminal"]');
    return el?.getAttribute('data-state') === 'connected' && (el.getAttribute('title') ?? '').includes('Front counter');
  }, undefined, { timeout: 20_000 });
  assert.match(await terminal.innerText(), /PIN pad ready/);
  await snap(page, SPEC, '05-saved-assigned-live');
});

test('the saved PIN pad tests connected from the list; a receipt printer at a dead port fails its test clearly', async () => {
  await page.getByTestId('device-test').first().click();
  await page.locator('[data-testid="device-test-result"][data-ok="true"]').waitFor({ timeout: 20_000 });
  await page.getByTestId('device-add-printer').click();
  await field('name').fill('Receipts');
  await field('model').fill('Epson TM-T88');
  await field('host').fill('127.0.0.1');
  await field('port').fill(String(deadPort));
  await field('connectSeconds').fill('1');
  await page.getByTestId('device-test-draft').click();
  const result = page.getByTestId('device-test-result');
  await result.waitFor({ timeout: 20_000 });
  assert.equal(await result.getAttribute('data-ok'), 'false');
  assert.match(await result.innerText(), /printer|refused|nothing is listening/i);
  await snap(page, SPEC, '06-printer-dead-port');
  await page.keyboard.press('Escape');
  await page.getByTestId('device-editor').waitFor({ state: 'detached' });
});

test('Escape goes back to the register', async () => {
  await page.locator('body').focus();
  await page.keyboard.press('Escape');
  await page.getByTestId('register-screen').waitFor();
});

test('the page raised no script errors and no CSP violations', () => {
  assert.deepEqual(pageErrors, []);
});
