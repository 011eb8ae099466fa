// Validates every dashboard in grafana/dashboards against Grafana's published schema
// (@grafana/schema) by type-checking it with tsc: each JSON becomes
//   export const dashboard = <json> satisfies CheckedDashboard;
// Then proves the check bites: broken copies of a dashboard must each fail.
// Offline after `npm ci`. Usage: node check.mjs [dashboards dir]
import { readFileSync, readdirSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dashboards = resolve(process.argv[2] ?? join(here, '..', 'dashboards'));
const build = join(here, 'build');
const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');

function emit(dir, name, json) {
  const src =
    `import type { CheckedDashboard } from '../../dashboard-types.js';\n` +
    `export const dashboard = ${JSON.stringify(json, null, 2)} satisfies CheckedDashboard;\n`;
  writeFileSync(join(dir, name.replace(/\.json$/, '.ts')), src);
}

function typecheck(tsconfig) {
  const r = spawnSync(process.execPath, [tsc, '-p', tsconfig], { cwd: here, encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

let passed = 0;
let failed = 0;
const report = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  ok ? passed++ : failed++;
};

rmSync(build, { recursive: true, force: true });
mkdirSync(join(build, 'checked'), { recursive: true });
const files = readdirSync(dashboards).filter((f) => f.endsWith('.json')).sort();
const parsed = {};
for (const f of files) {
  try {
    parsed[f] = JSON.parse(readFileSync(join(dashboards, f), 'utf8'));
    emit(join(build, 'checked'), f, parsed[f]);
  } catch (e) {
    report(false, `${f}: not JSON (${e.message})`);
  }
}
const uids = Object.values(parsed).map((d) => d.uid);
report(new Set(uids).size === uids.length, `dashboard uids unique: ${uids.join(', ')}`);

const real = typecheck('tsconfig.json');
for (const f of Object.keys(parsed)) {
  const mine = real.out.split('\n').filter((l) => l.includes(f.replace(/\.json$/, '.ts')));
  report(mine.length === 0, `${f} matches @grafana/schema` + (mine.length ? `\n${mine.join('\n')}` : ''));
}
if (!real.ok && real.out.includes('dashboard-types.ts')) {
  report(false, `dashboard-types.ts does not compile:\n${real.out}`);
}

// Mutants: each must be refused, or the check proves nothing.
const sample = parsed[files[0]];
const mutants = {
  'unknown-option': (d) => { d.panels.find((p) => p.type === 'timeseries').options.legend.displayMod = 'list'; },
  'wrong-enum-value': (d) => { d.panels.find((p) => p.type === 'timeseries').options.tooltip.mode = 'everything'; },
  'gridpos-string': (d) => { d.panels.find((p) => p.type !== 'row').gridPos.h = '8'; },
  'query-without-expr': (d) => { delete d.panels.find((p) => p.targets?.length).targets[0].expr; },
  'missing-schema-version': (d) => { delete d.schemaVersion; },
};
mkdirSync(join(build, 'mutants'), { recursive: true });
for (const [name, mutate] of Object.entries(mutants)) {
  const d = structuredClone(sample);
  mutate(d);
  emit(join(build, 'mutants'), `${name}.json`, d);
}
writeFileSync(
  join(build, 'tsconfig.mutants.json'),
  JSON.stringify({ extends: '../tsconfig.json', include: ['../dashboard-types.ts', 'mutants/*.ts'] }),
);
const bad = typecheck(join('build', 'tsconfig.mutants.json'));
for (const name of Object.keys(mutants)) {
  report(bad.out.includes(`${name}.ts(`), `a broken dashboard (${name}) is refused`);
}
console.log(`dashboard-schema: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
