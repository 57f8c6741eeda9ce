// `staff add --journal FILE --name NAME --role manager|cashier --pin-from-stdin [--card NUMBER]`
// `staff list --journal FILE`
//
// Makes the first manager of a register (the app's staff screen needs a signed-in
// manager, so the first one comes from here). The PIN is read from standard input,
// never from the command line, where it would sit in the shell history and in
// `ps`. Exit 0 on success, 1 when the journal refuses, 2 on a wrong command line.

import { parseArgs } from 'node:util';
import { AppError } from '../../src-shared/errors.ts';
import type { StaffRole, StaffSnapshot } from '../../src-shared/staff.ts';
import { defaultJournalPath, openJournal } from '../journal/journal.ts';
import type { ScryptParams } from './pin-hash.ts';
import { StaffService } from './staff-service.ts';

const USAGE =
  'usage: staff add --journal FILE --name NAME --role manager|cashier --pin-from-stdin [--card NUMBER]\n       staff list --journal FILE';

/** What the journal records as the actor of a change made with this tool. */
export const CLI_ACTOR = 'staff-cli';

/** Adds one person to the staff of a journal file; the PIN arrives in clear only here and is hashed at once. */
export async function addStaffToJournal(
  file: string,
  input: { name: string; role: StaffRole; pin?: string; cardNumber?: string },
  opts: { hashParams?: ScryptParams } = {},
): Promise<StaffSnapshot> {
  const journal = openJournal({ path: file, integrityCheck: 'none' });
  try {
    const staff = new StaffService(journal, { registerId: 'staff-cli', hashParams: opts.hashParams });
    return await staff.add(input, CLI_ACTOR);
  } finally {
    journal.close();
  }
}

/** The first line of stdin (the PIN), without its line end. */
async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: { stdin: NodeJS.ReadableStream; out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        journal: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        'pin-from-stdin': { type: 'boolean' },
        card: { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [verb] = parsed.positionals;
  const file = parsed.values.journal ?? defaultJournalPath();
  try {
    if (verb === 'list' && parsed.positionals.length === 1) {
      const journal = openJournal({ path: file, integrityCheck: 'none' });
      try {
        for (const s of new StaffService(journal, { registerId: 'staff-cli' }).list()) {
          io.out(`${s.id}\t${s.role}\t${s.active ? 'active' : 'inactive'}\t${s.hasPin ? 'PIN' : 'no PIN'}\t${s.hasCard ? 'card' : 'no card'}\t${s.name}`);
        }
      } finally {
        journal.close();
      }
      return 0;
    }
    if (verb !== 'add' || parsed.positionals.length !== 1 || !parsed.values.name || (parsed.values.role !== 'manager' && parsed.values.role !== 'cashier')) {
      io.err(USAGE);
      return 2;
    }
    if (parsed.values.role === 'manager' && !parsed.values['pin-from-stdin'] && !parsed.values.card) {
      io.err('A manager needs a PIN (--pin-from-stdin) or a staff card (--card) to sign in.');
      return 2;
    }
    const pin = parsed.values['pin-from-stdin'] ? (await readFirstLine(io.stdin)).trim() : undefined;
    const added = await addStaffToJournal(file, { name: parsed.values.name, role: parsed.values.role, pin, cardNumber: parsed.values.card });
    io.out(`added ${added.role} ${added.name} (${added.id})`);
    return 0;
  } catch (err) {
    // Never the PIN: AppError messages here say what was wrong with it, not what it was.
    io.err(err instanceof AppError ? `${err.code}: ${err.message}` : String(err));
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('staff-cli.ts')) {
  void main(process.argv.slice(2), { stdin: process.stdin, out: (s) => console.log(s), err: (s) => console.error(s) }).then((code) => {
    process.exitCode = code;
  });
}
