import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { SharpFileInspector } from '../../src/adapters/file-inspector-sharp.js';
import { FILE_NAME_MAX_CHARS, safeFileName } from '../../src/core/files/file-name.js';
import { contentDisposition } from '../../src/edge/http/file-routes.js';
import { parseFiles, FilesEnv } from '../../src/config-files.js';
import { loadConfig } from '../../src/config.js';

describe('file names are made safe for display', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['../../etc/passwd', 'passwd'],
    ['.htaccess', 'htaccess'],
    ['..', 'file'],
    ['', 'file'],
    [undefined, 'file'],
    ['a\u0000b\u001fc\u007f.txt', 'abc.txt'],
    ['invoice\u202Egpj.exe', 'invoicegpj.exe'],
    ['zero\u200Bwidth.png', 'zerowidth.png'],
    ['  spaced \t name .pdf ', 'spaced name .pdf'],
    ['line\nbreak\r.txt', 'linebreak.txt'],
    ['lone\uD800surrogate.txt', 'lonesurrogate.txt'],
    ['日本語のファイル.png', '日本語のファイル.png'],
  ])('%j → %j', (raw, safe) => {
    expect(safeFileName(raw)).toBe(safe);
  });

  it('a long name is cut to the limit in code points, keeping its extension', () => {
    const name = safeFileName(`${'😀'.repeat(300)}.jpeg`);
    expect([...name].length).toBe(FILE_NAME_MAX_CHARS);
    expect(name.endsWith('😀.jpeg')).toBe(true);
  });
});

describe('Content-Disposition names the file twice, safely', () => {
  it('keeps plain names, and escapes everything else in both forms', () => {
    expect(contentDisposition('inline', 'cat.png')).toBe(`inline; filename="cat.png"; filename*=UTF-8''cat.png`);
    expect(contentDisposition('attachment', `a"b\\c;d%e'(f).txt`)).toBe(
      `attachment; filename="a_b_c_d_e'(f).txt"; filename*=UTF-8''a%22b%5Cc%3Bd%25e%27%28f%29.txt`,
    );
    expect(contentDisposition('attachment', 'naïve\r\nX: y')).toBe(
      `attachment; filename="na_ve__X: y"; filename*=UTF-8''na%C3%AFve%0D%0AX%3A%20y`,
    );
  });
});

describe('the sharp inspector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-inspect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('does not decode an image over the pixel limit: it is a plain file, never an error', async () => {
    const path = join(dir, 'big.png');
    writeFileSync(
      path,
      await sharp({ create: { width: 200, height: 100, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
    );
    const small = await new SharpFileInspector({ maxInputPixels: 10_000, thumbnailSize: 32 }).inspect(path);
    expect(small.type).toBe('application/octet-stream');
    expect(small.image).toBeUndefined();
    expect(small.thumbnail).toBeUndefined();
    await small.dispose();
    const roomy = await new SharpFileInspector({ maxInputPixels: 100_000, thumbnailSize: 32 }).inspect(path);
    expect(roomy).toMatchObject({ type: 'image/png', image: { width: 200, height: 100 } });
    expect(roomy.thumbnail?.type).toBe('image/webp');
    await roomy.dispose();
  });
});

describe('FILE_MAX_BYTES and FILE_QUOTA_BYTES', () => {
  it('default to 25 MiB and 1 GiB and refuse nonsense at startup', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).files).toEqual({ maxBytes: 25 * 1024 ** 2, quotaBytes: 1024 ** 3 });
    expect(parseFiles({ FILE_MAX_BYTES: 10, FILE_QUOTA_BYTES: 20 })).toEqual({ maxBytes: 10, quotaBytes: 20 });
    for (const bad of ['0', '-1', 'lots', '1.5', String(6 * 1024 ** 3)]) {
      expect(FilesEnv.FILE_MAX_BYTES.safeParse(bad).success, bad).toBe(false);
      expect(() => loadConfig({ NODE_ENV: 'test', FILE_MAX_BYTES: bad })).toThrow(/FILE_MAX_BYTES/);
    }
    expect(() => loadConfig({ NODE_ENV: 'test', FILE_QUOTA_BYTES: '0' })).toThrow(/FILE_QUOTA_BYTES/);
  });
});
