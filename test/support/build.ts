import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transformFileSync } from '@swc/core';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      sources(p, out);
    } else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) {
      out.push(p);
    }
  }
  return out;
}

/**
 * Compiles the server once (per source state) for tests that spawn real processes: `src/` and
 * `ormconfig.ts` through swc (about a second, against tsc's ten), into `.test-build/<hash>/`
 * inside the worktree so `node_modules` resolves. Parallel jest workers share the result: each
 * builds into its own temporary folder and renames it into place; the first rename wins.
 * Returns the path of the compiled `src/main.js`.
 */
export function builtMain(): string {
  const files = [...sources(path.join(ROOT, 'src')), path.join(ROOT, 'ormconfig.ts')].sort();
  const hash = createHash('sha256');
  for (const f of files) {
    const st = statSync(f);
    hash.update(`${f}:${st.size}:${st.mtimeMs}\n`);
  }
  const dir = path.join(ROOT, '.test-build', hash.digest('hex').slice(0, 16));
  const main = path.join(dir, 'src', 'main.js');
  if (existsSync(main)) {
    return main;
  }
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of files) {
    const { code } = transformFileSync(f, {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
      sourceMaps: false,
    });
    const target = path.join(tmp, path.relative(ROOT, f)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  // Older builds (of earlier sources) are of no use; keep the folder from growing.
  const parent = path.dirname(dir);
  for (const name of readdirSync(parent)) {
    const p = path.join(parent, name);
    if (p !== dir && Date.now() - statSync(p).mtimeMs > 10 * 60_000) {
      rmSync(p, { recursive: true, force: true });
    }
  }
  if (!existsSync(main)) {
    throw new Error(`build failed: ${main} missing`);
  }
  return main;
}
