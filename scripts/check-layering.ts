/**
 * Layering check: fails when the engine imports anything but itself and its declared
 * dependencies (no server, no web, no Node built-in), or when the server imports web.
 * Run: npm run layering
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtinModules } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts)$/.test(name)) yield p;
  }
}

const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

export function violations(pkgDir: string, forbidden: (spec: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const file of files(pkgDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec === undefined) continue;
      const why = forbidden(spec);
      if (why !== undefined) out.push(`${relative(root, file)}: imports '${spec}' (${why})`);
    }
  }
  return out;
}

const engineAllowed = JSON.parse(readFileSync(join(root, 'packages/engine/package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};
const engineDeps = new Set(Object.keys(engineAllowed.dependencies ?? {}));

const engineRule = (spec: string): string | undefined => {
  if (builtins.has(spec) || spec.startsWith('node:')) return 'the engine may not use Node built-ins';
  if (spec.startsWith('@baseerat/') && spec !== '@baseerat/engine' && !spec.startsWith('@baseerat/engine/'))
    return 'the engine may not import other Baseerat packages';
  if (spec.startsWith('.')) return undefined;
  const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  if (pkg === '@baseerat/engine') return undefined;
  if (!engineDeps.has(pkg)) return `'${pkg}' is not a dependency of the engine`;
  return undefined;
};
const serverRule = (spec: string): string | undefined =>
  spec.startsWith('@baseerat/web') ? 'the server may not import the web package' : undefined;

const problems = [
  ...violations(join(root, 'packages/engine/src'), engineRule),
  ...violations(join(root, 'packages/server/src'), serverRule),
];
if (problems.length > 0) {
  console.error(`Layering violations (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layering: ok');
