// The durable high-water mark of the event chain, kept outside the WAL.
//
// Why: in WAL mode a commit lives only in journal.sqlite-wal until a
// checkpoint copies it into the main file. Delete or damage that file after a
// kill and SQLite opens the main file as a perfectly consistent, older
// journal: acknowledged tickets and payments vanish and the hash chain is
// still whole, so nothing inside the database can notice. The only witness
// must live elsewhere: this small side file (journal.sqlite-mark) holding the
// seq and hash of the newest committed event.
//
// How: rewritten in place (one pwrite of a fixed-size record, no fsync) after
// every commit that appended events. No fsync on purpose: a commit already
// costs one fsync of the WAL (synchronous=FULL), a second one would double the
// cost of every payment step, and it buys nothing against the threat — a
// killed process leaves its written pages in the OS cache, which reaches the
// disk anyway. After a power cut the mark may lag the WAL (it was written
// after the commit), never lead it: so a mismatch is always real history
// lost, never a false alarm. At open: the chain head behind the mark, or a
// different event at the mark's seq, means history went missing.

import fs from 'node:fs';

/** The newest committed event as the mark recorded it. */
export interface ChainMark {
  seq: number;
  hash: string;
}

/** What went missing, when the journal is behind its mark. */
export interface LostHistory {
  /** The mark: the last event known to have been committed. */
  expected: ChainMark;
  /** The chain head the file holds now. */
  found: ChainMark;
  /** For people: what was lost and what to do. */
  message: string;
}

const RECORD_BYTES = 96;

/** The mark file beside a journal. */
export function markPath(journalPath: string): string {
  return `${journalPath}-mark`;
}

/** Reads a mark file; undefined when there is none (a journal made before marks existed) or it is unreadable. */
export function readMark(journalPath: string): ChainMark | undefined {
  let text: string;
  try {
    text = fs.readFileSync(markPath(journalPath), 'utf8');
  } catch {
    return undefined;
  }
  const m = /^(\d+) ([0-9a-f]{64})\s*$/.exec(text.replace(/\0+$/, ''));
  return m ? { seq: Number(m[1]), hash: m[2] } : undefined;
}

/**
 * Compares the chain head (and the event at the mark's seq) with the mark.
 * eventHashAt reads one event's hash by primary key, O(log n).
 */
export function compareWithMark(
  journalPath: string,
  mark: ChainMark | undefined,
  head: ChainMark,
  eventHashAt: (seq: number) => string | undefined,
): LostHistory | undefined {
  if (!mark) return undefined;
  const behind = head.seq < mark.seq;
  // A missing event at the mark's seq with the head still ahead is a cut-off tail, which the chain walk reports.
  const atMark = behind || mark.seq === 0 ? undefined : eventHashAt(mark.seq);
  const replaced = atMark !== undefined && atMark !== mark.hash;
  if (!behind && !replaced) return undefined;
  const what = behind
    ? `the journal ${journalPath} had recorded ${mark.seq} changes but now holds only ${head.seq}: the last ${mark.seq - head.seq} (tickets, payments or settings) are missing, most likely because its "-wal" file was deleted or damaged after the app stopped`
    : `the journal ${journalPath} is not the one this register last wrote (its change ${mark.seq} differs): the file was replaced or rewritten`;
  return {
    expected: mark,
    found: head,
    message:
      `Payments are stopped: ${what}. Do not delete anything. Put the missing "-wal" file (or the journal from a backup) back and start the app again, ` +
      'or contact support; then run Find Missing Payments so charges the lost records held are found at the processor.',
  };
}

/** Writes the mark after commits; keeps its file open so each update is one pwrite. */
export class MarkWriter {
  private fd: number | undefined;
  private readonly buf = Buffer.alloc(RECORD_BYTES);

  constructor(private readonly journalPath: string) {}

  /** Records the newest committed event. Errors go to the caller (a full disk is reported like any write fault). */
  record(m: ChainMark): void {
    this.fd ??= fs.openSync(markPath(this.journalPath), fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
    this.buf.fill(0);
    this.buf.write(`${m.seq} ${m.hash}\n`, 0, 'latin1');
    fs.writeSync(this.fd, this.buf, 0, RECORD_BYTES, 0);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
