import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development convenience: a JWT secret generated once and kept in the data folder with mode 0600,
 * so restarts keep everyone logged in. Production never comes here (config refuses a missing secret).
 * The TOTP encryption key is kept the same way beside it (`totp-key`), so enrolled apps keep working.
 */
export function loadOrCreateDevSecret(
  dataDir: string,
  name = 'jwt-secret',
): { secret: string; created: boolean; path: string } {
  const path = join(dataDir, name);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length >= 32) return { secret, created: false, path };
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { secret, created: true, path };
}
