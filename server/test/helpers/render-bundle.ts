import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RENDER_ENTRY = fileURLToPath(new URL('../../../web/src/render.ts', import.meta.url));

/**
 * The client's real renderer (web/src/render.ts with the marked and DOMPurify it imports), bundled
 * by Vite into one IIFE that defines `window.ParleyRender`. Built in memory from the source, so a
 * browser test exercises the same code the client ships, never a copy or a stale web/dist.
 */
export async function bundleRenderer(): Promise<string> {
  const result = await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    mode: 'production',
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: RENDER_ENTRY, formats: ['iife'], name: 'ParleyRender', fileName: 'render' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunks = outputs.flatMap((output) => output.output).filter((item) => item.type === 'chunk');
  if (chunks.length !== 1 || !chunks[0]) {
    throw new Error(`expected one chunk from the renderer bundle, got ${chunks.length}`);
  }
  return chunks[0].code;
}
