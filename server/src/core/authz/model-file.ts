import { readFileSync } from 'node:fs';

/**
 * The model's text, read from `model.conf` beside this module: under `server/src/` when run from
 * source (tsx, vitest), under `dist/server/src/` when built — `npm run build:server` copies it
 * there (scripts/copy-server-assets.mjs), since tsc copies only what it compiles.
 */
export function readModelText(): string {
  const url = new URL('./model.conf', import.meta.url);
  try {
    return readFileSync(url, 'utf8');
  } catch (error) {
    throw new Error(`the authorization model is missing at ${url.pathname}; run \`npm run build:server\``, {
      cause: error,
    });
  }
}
