import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasTechnicalDetail, plainWords } from './plain-words.ts';

test('addresses, ports, HTTP codes, URLs and device ids are taken out of cashier text', () => {
  assert.equal(plainWords('The payment gateway at 127.0.0.1:38763 answered HTTP 503. Try again.'), 'The payment gateway answered. Try again.');
  assert.equal(plainWords('PIN pad 3f2b8c1e-1a2b-4c3d-8e9f-0123456789ab did not answer on port 10009.'), 'PIN pad did not answer.');
  assert.equal(plainWords('Could not reach http://10.0.0.5:8080/report (timeout).'), 'Could not reach (timeout).');
  assert.equal(plainWords('Printer on /dev/ttyUSB0 is out of paper.'), 'Printer is out of paper.');
  assert.equal(plainWords('The card was declined. Ask for another card.'), 'The card was declined. Ask for another card.');
  assert.equal(hasTechnicalDetail('answered HTTP 503'), true);
  assert.equal(hasTechnicalDetail('Ticket #12 costs $8.25'), false);
});
