import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { copyServerAssets } from '../../../scripts/lib/server-assets.mjs';
import { tempDir } from '../helpers/server.js';

it('the build copies the Casbin model beside the compiled authorizer, where it reads it', () => {
  const out = tempDir('parley-dist-');
  try {
    const copied = copyServerAssets(process.cwd(), out.path);
    expect(copied).toContain(join('server', 'src', 'core', 'authz', 'model.conf'));
    const built = readFileSync(join(out.path, 'server', 'src', 'core', 'authz', 'model.conf'), 'utf8');
    expect(built).toBe(readFileSync(join('server', 'src', 'core', 'authz', 'model.conf'), 'utf8'));
  } finally {
    out.remove();
  }
});
