// `npm run lint`: fails on any import that breaks the layer boundaries.
import { checkProject } from './import-rules.ts';

const root = new URL('..', import.meta.url).pathname;
const violations = checkProject(root);
for (const v of violations) console.error(`${v.file}: imports "${v.specifier}": ${v.rule}`);
if (violations.length > 0) {
  console.error(`lint: ${violations.length} import boundary violation(s)`);
  process.exit(1);
}
console.log('lint: import boundaries ok');
