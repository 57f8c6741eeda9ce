// Whether the journal can be written right now, and why not. SQLite reports a
// full disk or a read-only file only on the write that hits it, as a generic
// error; this names the cause (for the status bar and every refusal) and
// watches for it between writes, so the cashier sees "disk full" before a
// payment is started, and the app notices by itself when space comes back.
//
// The watch is cheap and runs once a second: statfs of the journal's folder
// (free space) and access(W_OK) of the file (read-only mount, immutable file;
// root bypasses mode bits but not these). A fault seen on a write is cleared
// only when a real write succeeds again (probeWrite), never by the watch alone.

import fs from 'node:fs';
import path from 'node:path';

/** Why the journal cannot be written, in the words the status bar shows. */
export type WriteFaultCause = 'disk full' | 'read-only' | 'disk error';

/** A write fault: its cause and what to tell a person. */
export interface WriteFault {
  cause: WriteFaultCause;
  message: string;
}

/** Below this much free space the next commit (a WAL frame per page, plus checkpoints) may fail: treated as full. */
export const MIN_FREE_BYTES = 256 * 1024;

/** The cause of a failed SQLite or file-system write, or undefined when the error is not about the disk. */
export function writeFaultCause(err: unknown): WriteFaultCause | undefined {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'disk full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM') return 'read-only';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'EIO') return 'disk error';
  return undefined;
}

/** What a cashier or manager does about each cause. */
export const WHAT_TO_DO: Record<WriteFaultCause, string> = {
  'disk full': 'free space on the disk that holds it',
  'read-only': 'make the journal file and its folder writable again (a manager or support can do this)',
  'disk error': 'check the disk that holds it, or contact support',
};

/** The fault for a cause, with a message that names it and says what to do. */
export function writeFault(cause: WriteFaultCause): WriteFault {
  return {
    cause,
    message: `The journal cannot be written (${cause}): ${WHAT_TO_DO[cause]}. New payments are refused until it can; nothing already recorded is lost.`,
  };
}


/** The watch's look at the file and its folder: a fault it can see without writing, or undefined. */
export function watchedFault(file: string): WriteFaultCause | undefined {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
  } catch (err) {
    const cause = writeFaultCause(err);
    if (cause) return cause;
  }
  try {
    const s = fs.statfsSync(path.dirname(file));
    if (s.bavail * s.bsize < MIN_FREE_BYTES) return 'disk full';
  } catch {
    // statfs unsupported here: the next failed write still names the cause.
  }
  return undefined;
}
