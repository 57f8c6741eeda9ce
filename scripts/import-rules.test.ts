import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkProject, checkFile, importCycles } from './import-rules.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('a tree that keeps the boundaries has no violation', () => {
  const root = tree({
    'src-shared/a.ts': "import { z } from 'zod'; export const a = 1;",
    'drivers/pax/x.ts': "import { a } from '../../src-shared/a.ts'; import net from 'node:net';",
    'src-main/host.ts': "import '../drivers/pax/x.ts'; import '../src-shared/a.ts';",
    'src-main/electron/main.ts': "import { app } from 'electron'; import '../host.ts';",
    'src-renderer/app.tsx': "import { a } from '../src-shared/a.ts'; import React from 'react';",
    'src-renderer/app.test.ts': "import assert from 'node:assert/strict'; import '../src-shared/a.ts';",
  });
  try {
    assert.deepEqual(checkProject(root), []);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('each forbidden import is reported with its rule', () => {
  const root = tree({
    'src-renderer/bad.ts': "import '../src-main/host.ts'; import fs from 'node:fs';",
    'drivers/bad.ts': "export * from '../src-main/host.ts';",
    'src-main/host.ts': "const { app } = require('electron');",
    'src-shared/bad.ts': "const m = await import('../drivers/bad.ts'); import 'crypto';",
    'src-main/sneaky.ts': 'import { x } from "../src-renderer/app.ts";',
  });
  try {
    const found = checkProject(root).map((v) => `${v.file} -> ${v.specifier}`).sort();
    assert.deepEqual(found, [
      'drivers/bad.ts -> ../src-main/host.ts',
      'src-main/host.ts -> electron',
      'src-main/sneaky.ts -> "…"',
      'src-renderer/bad.ts -> ../src-main/host.ts',
      'src-renderer/bad.ts -> node:fs',
      'src-shared/bad.ts -> ../drivers/bad.ts',
      'src-shared/bad.ts -> crypto',
    ]);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('payments, reconcile, journal, tickets and ipc may not import a simulator; devices, tests and rigs may', () => {
  const root = tree({
    'drivers/pax/simulator/pax-simulator.ts': 'export class PaxSimulator {}',
    'src-main/gateways/simulator/gateway-simulator.ts': 'export class GatewaySimulator {}',
    'src-main/payments/payment-coordinator.ts': "import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';",
    'src-main/reconcile/find-missing.ts': "import type { GatewaySimulator } from '../gateways/simulator/gateway-simulator.ts';",
    'src-main/journal/journal.ts': "export * from '../gateways/simulator/gateway-simulator.ts';",
    'src-main/tickets/ticket-service.ts': "const m = await import('../../drivers/pax/simulator/pax-simulator.ts');",
    'src-main/ipc/ipc-dispatcher.ts': "import '../gateways/simulator/gateway-simulator.ts';",
    // Allowed: training wiring, tests, test rigs, the gateway room itself, a file merely named like a simulator.
    'src-main/devices/training-devices.ts': "import '../../drivers/pax/simulator/pax-simulator.ts';",
    'src-main/payments/payment-coordinator.test.ts': "import '../../drivers/pax/simulator/pax-simulator.ts';",
    'src-main/payments/payment-test-rig.ts': "import '../gateways/simulator/gateway-simulator.ts';",
    'src-main/gateways/cardknox-client.ts': "import '../gateways/simulator/gateway-simulator.ts';",
    'src-main/payments/simulator-words.ts': 'export const w = 1;',
    'src-main/payments/uses-words.ts': "import './simulator-words.ts';",
  });
  try {
    const found = checkProject(root).map((v) => `${v.file} -> ${v.specifier}: ${v.rule}`).sort();
    assert.deepEqual(found, [
      'src-main/ipc/ipc-dispatcher.ts -> ../gateways/simulator/gateway-simulator.ts: src-main/ipc may not import a simulator (only devices, tests, scripts, bench and e2e may)',
      'src-main/journal/journal.ts -> ../gateways/simulator/gateway-simulator.ts: src-main/journal may not import a simulator (only devices, tests, scripts, bench and e2e may)',
      'src-main/payments/payment-coordinator.ts -> ../../drivers/pax/simulator/pax-simulator.ts: src-main/payments may not import a simulator (only devices, tests, scripts, bench and e2e may)',
      'src-main/reconcile/find-missing.ts -> ../gateways/simulator/gateway-simulator.ts: src-main/reconcile may not import a simulator (only devices, tests, scripts, bench and e2e may)',
      'src-main/tickets/ticket-service.ts -> ../../drivers/pax/simulator/pax-simulator.ts: src-main/tickets may not import a simulator (only devices, tests, scripts, bench and e2e may)',
    ]);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('an import cycle in the renderer is reported, type imports included; a chain without one is not', () => {
  const root = tree({
    // Today's shape before issue 8: the store imports each slice, each slice imports the store's type.
    'src-renderer/store/app-store.ts': "import { createA } from './a-slice.ts'; import { createB } from './b-slice.ts';",
    'src-renderer/store/a-slice.ts': "import type { SliceCreator } from './app-store.ts';",
    'src-renderer/store/b-slice.ts': "import type { SliceCreator } from './app-store.ts';",
    // A longer loop through three files.
    'src-renderer/screens/x.tsx': "import './y.tsx';",
    'src-renderer/screens/y.tsx': "import './z.ts';",
    'src-renderer/screens/z.ts': "export { x } from './x.tsx';",
  });
  try {
    const found = checkProject(root).map((v) => `${v.file} -> ${v.specifier}: ${v.rule}`).sort();
    assert.deepEqual(found, [
      'src-renderer/screens/x.tsx -> src-renderer/screens/y.tsx -> src-renderer/screens/z.ts -> src-renderer/screens/x.tsx: no import cycle in src-renderer',
      'src-renderer/store/a-slice.ts -> src-renderer/store/app-store.ts -> src-renderer/store/a-slice.ts: no import cycle in src-renderer',
      'src-renderer/store/app-store.ts -> src-renderer/store/b-slice.ts -> src-renderer/store/app-store.ts: no import cycle in src-renderer',
    ]);
  } finally {
    rmSync(root, { recursive: true });
  }
  const fixed = tree({
    'src-renderer/store/app-store.ts': "import { createA } from './a-slice.ts'; import { createB } from './b-slice.ts';",
    'src-renderer/store/slice-types.ts': 'export type SliceCreator<T> = () => T;',
    'src-renderer/store/a-slice.ts': "import type { SliceCreator } from './slice-types.ts';",
    'src-renderer/store/b-slice.ts': "import type { ASlice } from './a-slice.ts'; import type { SliceCreator } from './slice-types.ts';",
  });
  try {
    assert.deepEqual(importCycles(fixed, 'src-renderer'), []);
  } finally {
    rmSync(fixed, { recursive: true });
  }
});

test('the real renderer store has no import cycle', () => {
  const root = new URL('..', import.meta.url).pathname;
  assert.deepEqual(importCycles(root, 'src-renderer/store'), []);
  assert.deepEqual(importCycles(root, 'src-renderer'), []);
});

test('the real project keeps its boundaries', () => {
  const root = new URL('..', import.meta.url).pathname;
  assert.deepEqual(checkProject(root), []);
});

test('files outside the layers are not checked', () => {
  assert.deepEqual(checkFile('/p', '/p/other/x.ts', "import 'electron';"), []);
});
