import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseStoreUrl, redactStoreUrl, storeConfigFromEnv } from './store-config.ts';

test('no CASHIER_DESK_STORE_URL (or an empty one) is the embedded default: no store config', () => {
  assert.equal(storeConfigFromEnv({}), undefined);
  assert.equal(storeConfigFromEnv({ CASHIER_DESK_STORE_URL: '  ' }), undefined);
});

test('host, port, database and credentials come from the URL; the display never holds the password', () => {
  const c = storeConfigFromEnv({ CASHIER_DESK_STORE_URL: 'postgres://reg%40a:s3cr%2Ft@db.example:6543/store_1?application_name=r1' })!;
  assert.equal(c.client.host, 'db.example');
  assert.equal(c.client.port, 6543);
  assert.equal(c.client.database, 'store_1');
  assert.equal(c.client.user, 'reg@a');
  assert.equal(c.client.password, 's3cr/t');
  assert.equal(c.client.application_name, 'r1');
  assert.equal(c.client.ssl, false);
  assert.ok(!c.display.includes('s3cr'), c.display);
  assert.match(c.display, /db\.example:6543\/store_1/);
});

test('user and password fall back to PGUSER / PGPASSWORD; the URL wins when it has them', () => {
  const fromEnv = parseStoreUrl('postgres://127.0.0.1/store', { PGUSER: 'envuser', PGPASSWORD: 'envpw' });
  assert.equal(fromEnv.client.user, 'envuser');
  assert.equal(fromEnv.client.password, 'envpw');
  assert.equal(fromEnv.client.port, 5432);
  const fromUrl = parseStoreUrl('postgres://urluser:urlpw@127.0.0.1/store', { PGUSER: 'envuser', PGPASSWORD: 'envpw' });
  assert.equal(fromUrl.client.user, 'urluser');
  assert.equal(fromUrl.client.password, 'urlpw');
  assert.throws(() => parseStoreUrl('postgres://127.0.0.1/store', {}), /PGUSER/);
});

test('sslmode: require is TLS without a certificate check, verify-full checks it against sslrootcert, disable is plain', () => {
  assert.deepEqual(parseStoreUrl('postgres://u@h/d?sslmode=require').client.ssl, { rejectUnauthorized: false });
  assert.equal(parseStoreUrl('postgres://u@h/d?sslmode=disable').client.ssl, false);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-config-'));
  try {
    const ca = path.join(dir, 'root.crt');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const full = parseStoreUrl(`postgres://u@h/d?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`).client.ssl as { rejectUnauthorized: boolean; ca: string; checkServerIdentity?: unknown };
    assert.equal(full.rejectUnauthorized, true);
    assert.match(full.ca, /BEGIN CERTIFICATE/);
    assert.equal(full.checkServerIdentity, undefined, 'verify-full keeps the host name check');
    const caOnly = parseStoreUrl(`postgres://u@h/d?sslmode=verify-ca&sslrootcert=${encodeURIComponent(ca)}`).client.ssl as { checkServerIdentity?: unknown };
    assert.equal(typeof caOnly.checkServerIdentity, 'function');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => parseStoreUrl('postgres://u@h/d?sslmode=sometimes'), /sslmode "sometimes"/);
});

test('bad values are refused with a message naming the variable and never the password', () => {
  const bad = ['http://u:hunter2@h/d', 'postgres://u:hunter2@h', 'not a url u:hunter2@x', 'postgres://u:hunter2@h/d?sslmode=verify-full&sslrootcert=/nonexistent/ca.crt'];
  for (const url of bad) {
    assert.throws(
      () => storeConfigFromEnv({ CASHIER_DESK_STORE_URL: url }),
      (err: Error) => err.message.includes('CASHIER_DESK_STORE_URL') && !err.message.includes('hunter2'),
      url.replace('hunter2', '<pw>'),
    );
  }
  assert.equal(redactStoreUrl('postgres://u:hunter2@h/d?password=hunter2'), 'postgres://u:***@h/d?password=***');
});
