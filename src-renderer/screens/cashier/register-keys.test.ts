import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogItem } from '../../../src-shared/domain.ts';
import { assignHotkeys, registerKeyAction } from './register-keys.ts';

const item = (id: string, hotkey?: string): CatalogItem => ({ id, name: id, price: 100, currency: 'USD', category: 'x', hotkey });

test('items keep their own hotkeys, upper-cased', () => {
  const keys = assignHotkeys([item('coffee', 'c'), item('tea', 'T')]);
  assert.equal(keys.get('C')?.id, 'coffee');
  assert.equal(keys.get('T')?.id, 'tea');
  assert.equal(keys.size, 2);
});

test('duplicate, missing or multi-character hotkeys fall back to free digits in order', () => {
  const keys = assignHotkeys([item('a', 'x'), item('b', 'x'), item('c'), item('d', 'F2'), item('e', '1')]);
  assert.equal(keys.get('X')?.id, 'a');
  assert.equal(keys.get('1')?.id, 'e');
  assert.equal(keys.get('2')?.id, 'b');
  assert.equal(keys.get('3')?.id, 'c');
  assert.equal(keys.get('4')?.id, 'd');
});

test('digits run out after nine fallbacks: the rest get no key rather than a clash', () => {
  const items = Array.from({ length: 12 }, (_, i) => item(`i${i}`));
  const keys = assignHotkeys(items);
  assert.equal(keys.size, 9);
  assert.equal(new Set([...keys.values()].map((i) => i.id)).size, 9);
});

test('function keys map to commands, letters to items, case-insensitively', () => {
  const keys = assignHotkeys([item('coffee', 'c')]);
  assert.deepEqual(registerKeyAction({ key: 'F2' }, keys), { type: 'cash' });
  assert.deepEqual(registerKeyAction({ key: 'F4' }, keys), { type: 'card' });
  assert.deepEqual(registerKeyAction({ key: 'F9' }, keys), { type: 'newTicket' });
  assert.deepEqual(registerKeyAction({ key: 'F8' }, keys), { type: 'openTickets' });
  assert.deepEqual(registerKeyAction({ key: 'Delete' }, keys), { type: 'removeLine' });
  assert.deepEqual(registerKeyAction({ key: 'Escape' }, keys), { type: 'dismiss' });
  assert.deepEqual(registerKeyAction({ key: 'F1' }, keys), { type: 'purser' });
  assert.deepEqual(registerKeyAction({ key: 'c' }, keys), { type: 'ring', itemId: 'coffee' });
  assert.deepEqual(registerKeyAction({ key: 'C' }, keys), { type: 'ring', itemId: 'coffee' });
});

test('unknown keys and keys with modifiers are left alone', () => {
  const keys = assignHotkeys([item('coffee', 'c')]);
  assert.equal(registerKeyAction({ key: 'q' }, keys), null);
  assert.equal(registerKeyAction({ key: 'Tab' }, keys), null);
  assert.equal(registerKeyAction({ key: 'Enter' }, keys), null);
  assert.equal(registerKeyAction({ key: 'c', ctrlKey: true }, keys), null);
  assert.equal(registerKeyAction({ key: 'F2', altKey: true }, keys), null);
});
