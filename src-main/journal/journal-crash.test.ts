// Kill -9 at random moments (seeded), at least 50 times, while a child
// process journals ticket and attempt transitions. After each kill: the file
// reopens, integrity_check is ok, the hash chain is whole, every transition
// the child acknowledged is there, and no attempt row disagrees with its last event.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../src-shared/seeded-random.ts';
import { openJournal } from './journal.ts';
import { tempDir } from './journal-test-rig.ts';

// Two lanes, each its own journal file and seeded stream, share the CPU while
// the other starts up (process start-up is most of each round).
const LANES = 2;
const KILLS_PER_LANE = 26;
const SEED = 20261122;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'journal-crash-child.ts');
const tmp = tempDir('cashier-crash-');
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  tmp.cleanup();
});

interface Ack {
  seq: number;
  entity: string;
  entityId: string;
  type: string;
}

/** Runs the child until `delayMs` after it is ready, SIGKILLs it, and returns its acks. */
function runAndKill(file: string, delayMs: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(c);
    let out = '';
    let err = '';
    let killTimer: NodeJS.Timeout | undefined;
    const startTimer = setTimeout(() => {
      c.kill('SIGKILL');
      reject(new Error(`child did not become ready in 15 s: ${err}`));
    }, 15_000);
    c.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!killTimer && out.includes('ready\n')) {
        clearTimeout(startTimer);
        killTimer = setTimeout(() => c.kill('SIGKILL'), delayMs);
      }
    });
    c.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    c.on('close', (code, signal) => {
      clearTimeout(startTimer);
      clearTimeout(killTimer);
      children.delete(c);
      if (signal !== 'SIGKILL') return reject(new Error(`child exited by itself (code ${code}): ${err}`));
      const acks = out
        .split('\n')
        .filter((l) => l.startsWith('ack ') && l.split(' ').length === 5) // a line cut by the kill is not an ack
        .map((l) => {
          const [, seq, entity, entityId, type] = l.split(' ');
          return { seq: Number(seq), entity, entityId, type };
        });
      resolve(acks);
    });
  });
}

interface LaneResult {
  kills: number;
  acked: number;
  events: number;
  unackedCommits: number;
}

/** Kills one child after another on one journal file, checking the file after every kill. */
async function lane(no: number): Promise<LaneResult> {
  const file = path.join(tmp.dir, `journal-${no}.sqlite`);
  const rand = mulberry32(SEED + no);
  const acked = new Map<number, Ack>();
  let unackedCommits = 0;
  let lastSeq = 0;
  for (let kill = 1; kill <= KILLS_PER_LANE; kill++) {
    const acks = await runAndKill(file, Math.floor(rand() * 150));
    for (const a of acks) acked.set(a.seq, a);
    const maxAck = acks.length ? acks[acks.length - 1].seq : lastSeq;
    const where = `lane ${no}, kill ${kill}`;

    const j = openJournal({ path: file });
    try {
      const report = j.verify();
      assert.equal(report.integrityOk, true, `${where}: integrity_check`);
      assert.deepEqual(report.breaks, [], `${where}: chain`);
      assert.ok(report.lastSeq >= maxAck, `${where}: last event ${report.lastSeq} is behind acknowledged ${maxAck}`);
      unackedCommits += report.lastSeq - maxAck;
      lastSeq = report.lastSeq;
      const events = new Map(
        (j.db.prepare('SELECT seq, entity, entity_id AS entityId, type FROM events').all() as Ack[]).map((e) => [e.seq, e]),
      );
      for (const a of acked.values()) assert.deepEqual(events.get(a.seq), a, `${where}: acknowledged event ${a.seq} missing or different`);
      // The state row and its event are one transaction: they can never disagree.
      const mismatched = j.db
        .prepare(
          `SELECT a.id FROM payment_attempts a
           JOIN events e ON e.seq = (SELECT max(seq) FROM events WHERE entity = 'attempt' AND entity_id = a.id)
           WHERE json_extract(e.payload, '$.state') IS NOT a.state`,
        )
        .all();
      assert.deepEqual(mismatched, [], `${where}: attempt rows disagree with their last event`);
    } finally {
      j.close();
    }
  }
  return { kills: KILLS_PER_LANE, acked: acked.size, events: lastSeq, unackedCommits };
}

test(`journal survives ${LANES * KILLS_PER_LANE} SIGKILLs at random moments with every acknowledged transition intact`, { timeout: 120_000 }, async () => {
  const lanes = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i + 1)));
  const sum = (k: keyof LaneResult) => lanes.reduce((s, l) => s + l[k], 0);
  console.log(
    `journal crash test: ${sum('kills')} SIGKILLs, ${sum('acked')} acknowledged transitions all present, ${sum('events')} events, ` +
      `integrity and chain ok after every kill; ${sum('unackedCommits')} commits landed between the last ack and a kill`,
  );
  for (const l of lanes) assert.ok(l.acked > l.kills, 'each child must have made progress');
});
