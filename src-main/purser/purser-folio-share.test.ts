// The shared folio (issue 13 §3): two purser desks, each with its own journal,
// purser room, PIN pad and gateway simulators, posting to the same ship guest
// through one store (a throw-away PostgreSQL cluster). What reached the
// processor is read from the gateway simulators' ledgers (the ground truth):
// one increment per shortfall with the store's lock, two on a deliberately
// broken store without it; a desk cut off from the store decides alone and the
// double is flagged for the manager when its link returns; a desk SIGKILLed
// between the store's decision and its own journal journals and sends the
// claimed increment once after its restart.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { runTsx } from '../ipc/child-process-test-rig.ts';
import { startStoreTestCluster, type StoreTestCluster } from '../store/store-test-rig.ts';
import { guestKey } from './purser-folio-share.ts';
import { lineUp, startFolioDesk, type FolioDesk } from './purser-folio-share-test-rig.ts';
import { purserRigPerTest, TEST_CARDS, type PurserRig } from './purser-test-rig.ts';

const rig = purserRigPerTest();
const CHILD = path.join(import.meta.dirname, 'purser-folio-crash-child.ts');
let cluster: StoreTestCluster;
const desks: FolioDesk[] = [];

before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
});
afterEach(async () => {
  for (const d of desks.splice(0)) await d.close();
});

const GUEST = { name: 'Ada Lovelace', cabin: '7012' };

/** Two desks on a fresh store database; the guest checked in on both; desk A registers the guest's card and publishes it. */
async function twoDesks(store: Parameters<typeof startFolioDesk>[0]['store'] = {}) {
  const url = await cluster.createStoreDatabase();
  const dbName = new URL(url).pathname.slice(1);
  const a = await startFolioDesk({ code: 'A', storePort: cluster.port, dbName, openRig: rig, store });
  const b = await startFolioDesk({ code: 'B', storePort: cluster.port, dbName, openRig: rig, store });
  desks.push(a, b);
  const ga = a.rig.guest(GUEST.name, GUEST.cabin);
  const gb = b.rig.guest(GUEST.name, GUEST.cabin);
  assert.equal(guestKey(a.rig.room.repo.guest(ga)!), guestKey(b.rig.room.repo.guest(gb)!), 'the same ship guest on both desks');
  a.rig.present(TEST_CARDS.visa);
  const reg = await a.rig.room.service.register(ga, 'pad1');
  const initial = reg.guest.records.at(-1)!;
  await a.rig.send();
  await a.share().syncOnce();
  return { a, b, ga, gb, initialRef: a.rig.record(initial.recordId).ref_num! };
}

/** What the processor holds on the card (its authorised total, initial plus increments) and the increments it approved, over both desks' gateways. */
function processor(a: PurserRig, b: PurserRig, initialRef: string) {
  const incs = [...a.gateway.ledger.all(), ...b.gateway.ledger.all()].filter((e) => e.kind === 'incremental' && e.status === 'approved');
  return { authorised: a.gateway.ledger.find(initialRef)!.amount, increments: incs.map((e) => e.invoice) };
}

const AUTO = 5_000;
const INITIAL = 10_000;
const EACH = 2_000;
const ROUNDS = 8;

/**
 * Both desks post EACH to the guest at the same moment, ROUNDS times; after
 * each round desk A (the card's desk) adopts the claims and sends. After every
 * round the processor's authorised total is compared with table 4-8 replayed
 * over the folio one posting at a time (one increment per shortfall): rounds
 * above it had two increments for one shortfall, rounds below it none.
 */
async function postTogether(a: FolioDesk, b: FolioDesk, ga: string, gb: string, initialRef: string, contending: { on: boolean }) {
  let folio = 0;
  let expected = INITIAL;
  let expectedCount = 0;
  const doubles: number[] = [];
  const unders: number[] = [];
  /** Rounds where the processor approved two increments (a round adds 2 * EACH < AUTO: one shortfall at most). */
  const twoInOneRound: number[] = [];
  let before = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    contending.on = true;
    await Promise.all([a.share().addPosting(ga, EACH, `Bar ${round}`), b.share().addPosting(gb, EACH, `Spa ${round}`)]);
    contending.on = false;
    await a.share().syncOnce();
    await a.rig.send();
    for (let i = 0; i < 2; i++) {
      folio += EACH;
      if (folio > expected) {
        expected += Math.max(AUTO, folio - expected);
        expectedCount++;
      }
    }
    const p = processor(a.rig, b.rig, initialRef);
    if (p.authorised > expected) doubles.push(round);
    if (p.authorised < expected) unders.push(round);
    if (p.increments.length - before >= 2) twoInOneRound.push(round);
    before = p.increments.length;
  }
  return { doubles, unders, twoInOneRound, expectedCount, count: processor(a.rig, b.rig, initialRef).increments.length, expected };
}

test('two desks posting to the same guest at the same moment, round after round: exactly one increment per shortfall at the processor', async () => {
  const contending = { on: false };
  const meet = lineUp(2, 60);
  const { a, b, ga, gb, initialRef } = await twoDesks({ afterRead: async () => (contending.on ? meet.arrive() : undefined) });
  const r = await postTogether(a, b, ga, gb, initialRef, contending);
  assert.deepEqual(r.doubles, [], 'no round left two increments for one shortfall');
  assert.deepEqual(r.unders, [], 'no round left a shortfall without its increment');
  assert.deepEqual(r.twoInOneRound, []);
  assert.deepEqual([meet.met, meet.alone], [0, 2 * ROUNDS], 'every round, each desk read the folio while the other waited on the guest\'s lock');
  assert.ok(r.expectedCount >= 3, 'the rounds cross several shortfalls');
  assert.equal(r.count, r.expectedCount, 'one increment per shortfall');
  assert.equal(processor(a.rig, b.rig, initialRef).authorised, r.expected);
  assert.equal(b.rig.gateway.ledger.all().length, 0, 'desk B sent nothing: the card is desk A\'s, which sends its increments');
  // Both desks' folios show the ship's total after a pass (the other desk's lines mirrored).
  await b.share().syncOnce();
  await a.share().syncOnce();
  assert.equal(a.rig.room.service.get(ga).balance, ROUNDS * 2 * EACH);
  assert.equal(b.rig.room.service.get(gb).balance, ROUNDS * 2 * EACH);
});

test('deliberately broken store (no lock on the guest): the same rounds leave two increments for one shortfall', async () => {
  const contending = { on: false };
  // Both always arrive without the lock; the long wait only keeps a loaded machine from splitting them.
  const meet = lineUp(2, 2_000);
  const { a, b, ga, gb, initialRef } = await twoDesks({ lockGuest: async () => undefined, afterRead: async () => (contending.on ? meet.arrive() : undefined) });
  const r = await postTogether(a, b, ga, gb, initialRef, contending);
  assert.ok(r.doubles.length > 0, 'the invariant check sees the double');
  assert.ok(r.twoInOneRound.length > 0, 'two increments for the one shortfall of a round');
  assert.equal(meet.met, ROUNDS, 'without the lock both desks read the folio at once every round');
});

test('a desk cut off from the store decides alone; when its link returns the shortfall that got two increments is flagged for the manager', async () => {
  const { a, b, ga, gb, initialRef } = await twoDesks();
  await b.share().addPosting(gb, 8_000, 'Dinner');
  await a.share().syncOnce(); // desk A's folio now shows desk B's dinner
  assert.equal(a.rig.room.service.get(ga).balance, 8_000);
  a.proxy.cut();
  const atB = await b.share().addPosting(gb, 3_000, 'Spa'); // decided in the store: 11 000 > 10 000, an increment claimed on desk A's card
  assert.equal(atB.guest.records.length, 0, 'desk B holds no card: it journals the posting only');
  const atA = await a.share().addPosting(ga, 3_000, 'Bar'); // the store out of reach: desk A decides alone on 11 000
  assert.equal(a.share().reachable(), false);
  const local = atA.guest.records.filter((x) => x.kind === 'incremental_auth');
  assert.equal(local.length, 1, 'selling goes on: the desk raised the increment itself');
  await a.rig.send();
  assert.deepEqual(processor(a.rig, b.rig, initialRef).increments, [local[0].reference]);
  a.proxy.restore();
  const flags = await a.share().syncOnce();
  assert.equal(a.share().reachable(), true);
  assert.equal(flags.length, 1);
  const [claim] = (await a.store.flags()).map((f) => f.refs);
  assert.equal(flags[0].kind, 'double_increment');
  assert.equal(flags[0].guestKey, guestKey(a.rig.room.repo.guest(ga)!));
  assert.ok(claim.includes(local[0].reference) && claim.length === 2, 'the flag names both increments');
  assert.deepEqual(flags[0].detail, { folioTotal: 14_000, authorisedWithout: 15_000, amount: AUTO });
  // A second pass flags nothing new.
  assert.deepEqual(await a.share().syncOnce(), []);
  assert.equal((await a.store.flags()).length, 1);
});

test('the ship offline: the offline limit per card holds over every desk\'s claims in the store; the posting beyond it is refused in plain words and added nowhere; broken variant without the limit claims past it', async () => {
  const { a, b, ga, gb } = await twoDesks();
  for (const d of [a, b]) d.rig.set('offlineLimitPerCard', 20_000);
  // The ship's gateway link is down for every desk. Desk A finds out by sending; desk B, holding no card, hears it
  // the way its host does from any other gateway request (the host wires the gateway's link events to linkSeen).
  a.rig.offline(true);
  b.rig.room.sender.linkSeen(false);
  await b.share().addPosting(gb, 12_000, 'Dinner'); // shortfall 2 000 → an increment of 5 000 claimed on A's card
  await a.share().syncOnce();
  await a.rig.send(); // not answered: it waits, outstanding
  assert.equal(a.rig.room.sender.online(), false);
  await a.share().syncOnce(); // A publishes the outstanding increment
  const waitingAtA = () => a.rig.room.repo.cardRecords(a.rig.room.repo.cards(ga)[0].id).filter((r) => r.status === 0 && r.family === 'authorisation').reduce((t, r) => t + r.amount, 0);
  assert.equal(waitingAtA(), 5_000);
  const linesBefore = (await a.store.lines([guestKey(a.rig.room.repo.guest(ga)!)], 0)).length;
  // Desk B posts 20 000 more: the increment (27 000) would leave 32 000 waiting on the card, past 20 000.
  await assert.rejects(b.share().addPosting(gb, 20_000, 'Jewellery'), (e: unknown) => {
    assert.ok(e instanceof Error && 'code' in e && (e as { code: string }).code === 'conflict', String(e));
    assert.match(e.message, /The ship is offline and this guest's card already has 50\.00 waiting/);
    assert.doesNotMatch(e.message, /\b[A-Z]S\d+\b|postgres|127\.0/);
    return true;
  });
  assert.equal((await a.store.lines([guestKey(a.rig.room.repo.guest(ga)!)], 0)).length, linesBefore, 'the refused line is not in the store');
  assert.equal(b.rig.room.service.get(gb).balance, 12_000, 'nor on desk B');
  await a.share().syncOnce();
  assert.equal(waitingAtA(), 5_000, 'no claim reached the card');
  // A small posting within the limit still goes through the store.
  await b.share().addPosting(gb, 3_000, 'Bar');
  // Broken variant: the same decision asked without the offline rule claims past the limit.
  const broken = await b.store.post({ register: 'B', guestKey: guestKey(b.rig.room.repo.guest(gb)!), lines: [{ lineId: 'broken-1', amount: 20_000, description: 'Jewellery' }], rule: { autoIncrementalAuthEnabled: 1, autoIncrementalAuthAmount: AUTO } });
  assert.ok(broken.claim && broken.claim.amount > 20_000 - 5_000, `without the limit the store claims ${broken.claim?.amount}`);
});

test('a desk posting while the store is out of reach, with no card of its own: the store decides the increment when its lines arrive', async () => {
  const { a, b, gb, initialRef } = await twoDesks();
  b.proxy.cut();
  await b.share().addPosting(gb, 12_000, 'Excursion');
  assert.equal(b.share().reachable(), false);
  b.proxy.restore();
  assert.deepEqual(await b.share().syncOnce(), []);
  await a.share().syncOnce();
  await a.rig.send();
  const p = processor(a.rig, b.rig, initialRef);
  assert.equal(p.increments.length, 1);
  assert.equal(p.authorised, 15_000);
});

test('kill -9 of a desk between the store decision and its own journal: after the restart the claimed increment is journaled and sent once', async () => {
  const { a, ga, initialRef, b } = await twoDesks();
  let decided = '';
  await a.rig.restart(async () => {
    const child = runTsx(
      [CHILD, JSON.stringify({ journalPath: path.join(a.rig.dir, 'journal.sqlite'), registerCode: 'A', storeUrl: `postgres://postgres@127.0.0.1:${cluster.port}/${a.dbName}`, guestId: ga, amount: 12_000 })],
      { cwd: process.cwd() },
    );
    decided = (await child.waitForLine(/^DECIDED /, 30_000)).split(' ')[1];
    child.child.kill('SIGKILL');
    assert.equal(await child.exited(), 'SIGKILL');
  });
  assert.match(decided, /^AS[0-9A-Z]+$/, 'the store claimed an increment on desk A\'s card');
  assert.equal(a.rig.room.repo.recordByReference(decided), undefined, 'killed before its journal had it');
  assert.equal(a.rig.room.service.get(ga).balance, 0);
  for (let pass = 0; pass < 3; pass++) {
    await a.share().syncOnce();
    await a.rig.send();
  }
  assert.equal(a.rig.room.service.get(ga).balance, 12_000, 'the posting the store decided is in the journal');
  assert.equal(a.rig.record(a.rig.room.repo.recordByReference(decided)!.id).status, 1);
  const p = processor(a.rig, b.rig, initialRef);
  assert.deepEqual(p.increments, [decided], 'sent once, under the store\'s reference');
  assert.equal(p.authorised, 15_000);
});

test('checkout at the card\'s desk settles the ship folio: the other desk\'s postings and its claimed increment are in the capture', async () => {
  const { a, b, ga, gb, initialRef } = await twoDesks();
  await b.share().addPosting(gb, 9_000, 'Dinner');
  await b.share().addPosting(gb, 4_000, 'Spa'); // 13 000 > 10 000: an increment claimed on desk A's card
  const due = 13_000;
  assert.equal(a.rig.room.service.get(ga).balance, 0, 'desk A has not passed yet');
  const paid = await a.share().pay(ga, due, 'card');
  assert.equal(paid.guest.balance, 0, 'the ship folio is paid');
  await a.rig.send();
  const captures = a.rig.gateway.ledger.all().filter((e) => e.kind === 'capture' && e.status === 'approved');
  assert.equal(captures.reduce((s, e) => s + e.amount, 0), due, 'the processor captured the ship folio');
  assert.equal(processor(a.rig, b.rig, initialRef).increments.length, 1, 'the claimed increment went first, once');
  // Desk B sees the guest paid after its pass.
  await b.share().syncOnce();
  assert.equal(b.rig.room.service.get(gb).balance, 0);
});
