// Part of `npm run build:server`: puts the run-time files tsc does not emit into dist/.
import { fileURLToPath } from 'node:url';
import { copyServerAssets } from './lib/server-assets.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
copyServerAssets(root, `${root}/dist`);
