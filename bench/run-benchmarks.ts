// `npm run bench`: runs every bench/*.bench.ts in its own process, one after
// the other (they measure time, so they must not share the two cores), shows
// their detail and ends with each one's result line `bench <name>: <figure>`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const results: string[] = [];
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout);
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status === 0 && /^bench [\w-]+: /.test(last)) results.push(last);
  else {
    failed++;
    results.push(`bench ${file.replace(/\.bench\.ts$/, '')}: FAILED (exit ${run.status})`);
  }
}
console.log('\n== results');
for (const r of results) console.log(r);
process.exit(failed > 0 ? 1 : 0);
