// `journal verify [--path FILE] [--json]`: checks integrity and the hash chain.
// Exit 0 when intact, 1 on any break, 2 when the journal cannot be opened or
// the command line is wrong.

import { parseArgs } from 'node:util';
import type { JournalVerifyReport } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { defaultJournalPath, openJournal } from './journal.ts';

const USAGE = 'usage: journal verify [--path FILE] [--json]';

/** Human-readable lines of a verify report. */
export function formatVerifyReport(path: string, r: JournalVerifyReport): string[] {
  const lines = [
    `journal ${path}`,
    `integrity_check: ${r.integrityOk ? 'ok' : 'FAILED'}`,
    `events: ${r.events}, last seq: ${r.lastSeq}`,
    ...r.breaks.map((b) => `BREAK at ${b.seq}: ${b.kind}: ${b.detail}`),
    r.ok ? 'chain ok' : 'journal NOT ok: keep this file and contact support',
  ];
  return lines;
}

/** Runs the CLI; returns the exit code. */
export function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { path: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.positionals[0] !== 'verify' || parsed.positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const file = parsed.values.path ?? defaultJournalPath();
  let journal;
  try {
    journal = openJournal({ path: file, integrityCheck: 'none' }); // verify runs it, synchronously
  } catch (err) {
    console.error(err instanceof AppError ? `${err.code}: ${err.message}` : String(err));
    return 2;
  }
  try {
    const report = journal.verify();
    console.log(parsed.values.json ? JSON.stringify(report, null, 2) : formatVerifyReport(file, report).join('\n'));
    return report.ok ? 0 : 1;
  } finally {
    journal.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('journal-cli.ts')) {
  process.exitCode = main(process.argv.slice(2));
}
