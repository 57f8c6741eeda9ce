// Running Debian's PostgreSQL server programs. PostgreSQL refuses to run as
// root, so when we are root every server program runs as the `postgres` user
// (spawn's uid/gid: the same as `runuser -u postgres --`, but the pid we get
// is the program's own, which the test rig needs to SIGKILL the postmaster).

import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where Debian puts the server programs of each major version. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The folder holding initdb, pg_ctl and postgres (newest Debian version, or PG_BIN_DIR). */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN_DIR) return env.PG_BIN_DIR;
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(DEBIAN_ROOT).filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(DEBIAN_ROOT, v, 'bin', 'initdb')));
  } catch {
    // not installed: reported below
  }
  if (versions.length === 0) {
    throw new Error(`PostgreSQL server programs were not found under ${DEBIAN_ROOT}. Install the "postgresql" package (scripts/setup.sh does), or set PG_BIN_DIR.`);
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(DEBIAN_ROOT, versions[0], 'bin');
}

/** uid/gid to run the server as: the postgres user when we are root, else ourselves (undefined). */
export function serverIdentity(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('The postgres user was not found; install the "postgresql" package.');
  return { uid, gid };
}

/** Gives a folder we created to the server's user (no-op when we are not root). */
export function handToServer(dir: string): void {
  const who = serverIdentity();
  if (who) fs.chownSync(dir, who.uid, who.gid);
}

/** Spawns a server program (initdb, pg_ctl, postgres) as the server's user. */
export function spawnServerProgram(program: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const who = serverIdentity();
  return spawn(path.join(postgresBinDir(), program), args, {
    ...opts,
    ...(who ?? {}),
    // The server's user cannot read root's working folder; / is readable by everyone.
    cwd: opts.cwd ?? '/',
    env: { ...process.env, ...opts.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
  });
}

/** Runs a server program to its end; rejects with its output when it fails. */
export function runServerProgram(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnServerProgram(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${program} failed (exit ${code}): ${out.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}
