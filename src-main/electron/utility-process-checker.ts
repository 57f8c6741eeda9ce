// The journal's background integrity check in the packaged app. Its runAsNode
// fuse is off (electron-builder.yml), so the default launcher's
// `process.execPath -e …` would start a second copy of the app, not Node;
// Electron's utility process is the supported way to run Node code apart from
// the main process, and it can be killed at once like a child process.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { app, utilityProcess } from 'electron';
import { INTEGRITY_CHECK_SOURCE, type CheckerLauncher } from '../journal/journal-integrity.ts';

/** A launcher that runs the checker source in an Electron utility process, from a file in the app's data folder. */
export function utilityProcessCheckerLauncher(): CheckerLauncher {
  let script: string | undefined;
  return (source, env) => {
    if (!script || source !== INTEGRITY_CHECK_SOURCE) {
      // A utility process runs a module file, not a string: write this version's source next to the journal.
      const dir = path.join(app.getPath('userData'), 'checker');
      mkdirSync(dir, { recursive: true });
      script = path.join(dir, `journal-integrity-check-${app.getVersion()}.cjs`);
      writeFileSync(script, source);
    }
    const child = utilityProcess.fork(script, [], {
      env: { ...process.env, ...env },
      stdio: 'pipe',
      serviceName: 'Cashier Desk journal check',
    });
    let exited = false;
    let killed = false;
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      kill: () => {
        if (exited) return;
        killed = true;
        child.kill();
      },
      onExit: (cb) => {
        // The verdict is the last stdout line: report the exit only once stdout has ended too.
        let code: number | null | undefined;
        let ended = child.stdout === null;
        const done = () => {
          if (code !== undefined && ended) cb(code, killed ? 'SIGKILL' : null);
        };
        child.stdout?.once('end', () => {
          ended = true;
          done();
        });
        child.once('exit', (c) => {
          exited = true;
          code = c;
          done();
        });
      },
      onError: (cb) => void child.once('error', (type, location) => cb(`${type} at ${location}`)),
    };
  };
}
