// The import boundaries of DESIGN §2, checked on every source file:
// - src-shared imports nothing of ours but itself, and nothing Node-specific
//   (it runs in the renderer too);
// - drivers imports only drivers and src-shared;
// - src-renderer imports only src-renderer and src-shared, and no Node built-in;
// - only src-main/electron/ imports 'electron';
// - no import cycle inside the folders of NO_CYCLE_FOLDERS (type imports
//   count too: a cycle of types is still two modules that cannot be read
//   apart), e.g. the renderer's store, where app-store assembles the slices and
//   each slice names the siblings it uses;
// - the production rooms of src-main (payments, reconcile, journal, tickets,
//   ipc) import nothing under a `simulator/` folder: a simulator is wired in
//   only by devices (training mode), tests and their rigs, scripts, bench and
//   e2e, so no production path can quietly charge through a simulator.
// This is what lets everything but the thin Electron shell run in plain Node.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One import that breaks a boundary. */
export interface ImportViolation {
  file: string;
  specifier: string;
  rule: string;
}

const LAYERS = ['src-shared', 'src-main', 'drivers', 'src-renderer', 'e2e', 'scripts', 'bench'] as const;
type Layer = (typeof LAYERS)[number];

/** Which of our layers each layer may import. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  'src-shared': ['src-shared'],
  drivers: ['drivers', 'src-shared'],
  'src-renderer': ['src-renderer', 'src-shared'],
  'src-main': ['src-main', 'src-shared', 'drivers'],
  e2e: ['e2e', 'src-shared', 'src-main', 'drivers', 'src-renderer'],
  scripts: ['scripts', 'src-shared', 'src-main', 'drivers'],
  bench: ['bench', 'src-shared', 'src-main', 'drivers'],
};

/** src-main rooms that may not import a simulator (see the file comment). */
const SIMULATOR_FREE_ROOMS = ['payments', 'reconcile', 'journal', 'tickets', 'ipc', 'settlement', 'staff'] as const;

/** Tests and the helpers only tests load (named *-test-rig.ts). */
export function isTestFile(file: string): boolean {
  return /\.test\.tsx?$|-test-rig\.tsx?$/.test(file);
}

/** The rule a src-main file breaks by importing `target` (paths relative to the root), or null. */
export function simulatorRule(rel: string, target: string): string | null {
  const parts = rel.split(sep);
  if (parts[0] !== 'src-main' || !(SIMULATOR_FREE_ROOMS as readonly string[]).includes(parts[1]) || isTestFile(rel)) return null;
  if (!target.split(sep).slice(0, -1).includes('simulator')) return null;
  return `src-main/${parts[1]} may not import a simulator (only devices, tests, scripts, bench and e2e may)`;
}

/** Layers that run in a browser and so may not use Node built-ins. */
const BROWSER_LAYERS: readonly Layer[] = ['src-shared', 'src-renderer'];

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function layerOf(root: string, file: string): Layer | null {
  const top = relative(root, file).split(sep)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : null;
}

/**
 * Module specifiers a file imports: static, dynamic, re-exports and require().
 * Specifiers are written in single quotes (the project style, checked below), so
 * double-quoted and template strings are blanked first: text about imports in
 * a message or a test fixture is not an import.
 */
export function importsOf(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/`(?:[^`\\]|\\.)*`/g, '``');
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*'([^']+)'/g,
    /\bimport\s*'([^']+)'/g,
    /\bimport\s*\(\s*'([^']+)'\s*\)/g,
    /\brequire\s*\(\s*'([^']+)'\s*\)/g,
  ];
  return patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]));
}

/** True when a line imports with a double-quoted specifier (which the scan would miss). */
export function hasDoubleQuotedImport(source: string): boolean {
  return /^\s*(?:import|export)\b[^\n]*\bfrom\s*"|^\s*import\s*"|\brequire\(\s*"|\bimport\(\s*"/m.test(source);
}

/** Checks one file's imports against the rules. */
export function checkFile(root: string, file: string, source: string): ImportViolation[] {
  const layer = layerOf(root, file);
  if (!layer) return [];
  const rel = relative(root, file);
  const out: ImportViolation[] = [];
  if (hasDoubleQuotedImport(source)) {
    out.push({ file: rel, specifier: '"…"', rule: 'write import specifiers in single quotes' });
  }
  for (const spec of importsOf(source)) {
    const bare = spec.split('/')[0];
    if (spec === 'electron' || spec.startsWith('electron/')) {
      if (!rel.startsWith(`src-main${sep}electron${sep}`)) {
        out.push({ file: rel, specifier: spec, rule: "only src-main/electron/ may import 'electron'" });
      }
      continue;
    }
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const targetLayer = layerOf(root, target);
      if (!targetLayer || !MAY_IMPORT[layer].includes(targetLayer)) {
        out.push({
          file: rel,
          specifier: spec,
          rule: `${layer} may import only ${MAY_IMPORT[layer].join(', ')}`,
        });
      }
      const simulator = simulatorRule(rel, relative(root, target));
      if (simulator) out.push({ file: rel, specifier: spec, rule: simulator });
      continue;
    }
    // Tests run in Node even in the browser layers.
    const isTest = /\.test\.tsx?$/.test(file);
    if (BROWSER_LAYERS.includes(layer) && !isTest && (BUILTINS.has(spec) || BUILTINS.has(bare))) {
      out.push({ file: rel, specifier: spec, rule: `${layer} runs in the browser: no Node built-ins` });
    }
  }
  return out;
}

/** Every .ts/.tsx file below the layer folders of a project root. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name === 'node_modules' || name.startsWith('dist')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  for (const layer of LAYERS) walk(join(root, layer));
  return out;
}

/** Folders (relative to the root) that must have no import cycle among their files. */
export const NO_CYCLE_FOLDERS = ['src-renderer'] as const;

/**
 * Import cycles among the files below `folder` (relative imports between them,
 * type imports included): each cycle once, as the files in import order
 * starting from the alphabetically first.
 */
export function importCycles(root: string, folder: string, files: readonly string[] = sourceFiles(root)): string[][] {
  const base = join(root, folder) + sep;
  const inside = files.filter((f) => f.startsWith(base));
  const known = new Set(inside);
  const edges = new Map<string, string[]>();
  for (const f of inside) {
    const targets = importsOf(readFileSync(f, 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => resolve(dirname(f), s))
      .filter((t) => known.has(t));
    edges.set(f, [...new Set(targets)].sort());
  }
  const cycles = new Map<string, string[]>();
  // Depth-first search from each file; a path back to the start is a cycle.
  // Small folders (tens of files): the plain search is fast enough.
  for (const start of [...inside].sort()) {
    const path: string[] = [start];
    const onPath = new Set(path);
    const walk = (at: string): void => {
      for (const next of edges.get(at) ?? []) {
        if (next === start) {
          const rel = path.map((p) => relative(root, p));
          const first = rel.indexOf([...rel].sort()[0]);
          const rotated = [...rel.slice(first), ...rel.slice(0, first)];
          cycles.set(rotated.join(' -> '), rotated);
        } else if (!onPath.has(next) && next > start) {
          path.push(next);
          onPath.add(next);
          walk(next);
          onPath.delete(next);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return [...cycles.values()];
}

/** Checks a whole project. */
export function checkProject(root: string): ImportViolation[] {
  const files = sourceFiles(root);
  const out = files.flatMap((f) => checkFile(root, f, readFileSync(f, 'utf8')));
  for (const folder of NO_CYCLE_FOLDERS) {
    for (const cycle of importCycles(root, folder, files)) {
      out.push({ file: cycle[0], specifier: [...cycle.slice(1), cycle[0]].join(' -> '), rule: `no import cycle in ${folder}` });
    }
  }
  return out;
}
