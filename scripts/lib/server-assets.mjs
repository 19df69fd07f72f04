// Files the built server reads at run time that tsc does not emit: every `.conf` under server/src
// (the Casbin model, ADR 0018). `npm run build:server` copies them beside the compiled modules.
import { cpSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Copies them from `root`/server/src to `outDir`/server/src; answers the paths copied, relative to root. */
export function copyServerAssets(root, outDir) {
  const source = join(root, 'server', 'src');
  const copied = [];
  for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.conf')) continue;
    const from = join(entry.parentPath, entry.name);
    const path = relative(root, from);
    cpSync(from, join(outDir, path));
    copied.push(path);
  }
  return copied.sort();
}
