import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../ipc/content-security-policy.ts';
import { APP_ENTRY_URL, createAppProtocolHandler, type AppProtocolHandler } from './app-protocol-handler.ts';

describe('app:// protocol handler', () => {
  let dir: string;
  let handle: AppProtocolHandler;
  before(() => {
    // A real folder laid out like dist-renderer, with a secret beside it.
    dir = mkdtempSync(path.join(tmpdir(), 'app-protocol-'));
    const root = path.join(dir, 'dist-renderer');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'secret.txt'), 'journal key');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    handle = createAppProtocolHandler(root);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the entry page with the CSP header and the html type', async () => {
    const res = await handle(new Request(APP_ENTRY_URL));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await res.text(), /<div id="root">/);
  });

  it('serves a script asset as javascript, and the folder root as index.html', async () => {
    const js = await handle(new Request('app://cashier-desk/assets/index-abc.js'));
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await js.text(), 'console.log(1)');
    const rootPage = await handle(new Request('app://cashier-desk/'));
    assert.equal(rootPage.status, 200);
    assert.match(await rootPage.text(), /<div id="root">/);
  });

  it('refuses every way out of the folder, each refusal with the CSP header', async () => {
    const attempts = [
      'app://cashier-desk/../secret.txt',
      'app://cashier-desk/%2e%2e/secret.txt',
      'app://cashier-desk/assets/..%2f..%2fsecret.txt',
      'app://cashier-desk/..%5csecret.txt',
      'app://cashier-desk/assets/link.txt',
      'app://cashier-desk/index.html%00.js',
      'app://cashier-desk/%E0%A4%A',
    ];
    for (const url of attempts) {
      const res = await handle(new Request(url));
      assert.ok([400, 403, 404].includes(res.status), `${url} answered ${res.status}`);
      assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, url);
      assert.doesNotMatch(await res.text(), /journal key/, url);
    }
  });

  it('answers only its own host and only reads', async () => {
    assert.equal((await handle(new Request('app://elsewhere/index.html'))).status, 404);
    assert.equal((await handle(new Request(APP_ENTRY_URL, { method: 'POST', body: 'x' }))).status, 405);
    assert.equal((await handle(new Request('app://cashier-desk/missing.js'))).status, 404);
    const head = await handle(new Request(APP_ENTRY_URL, { method: 'HEAD' }));
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });
});
