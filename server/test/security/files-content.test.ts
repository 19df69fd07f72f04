import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { serverForSuite } from '../helpers/conversations.js';
import { download, png, sendFiles, uploaded } from '../helpers/files.js';
import { closeAll, moderatedRoom, person } from '../helpers/moderation.js';

/** An HTML page with script, as an attacker would name and label it: `x.png`, `image/png`. */
export const POLYGLOT_HTML = Buffer.from(
  '<!DOCTYPE html><html><head><title>clean</title></head><body>' +
    '<script>document.title = "pwned"; fetch("/beacon?from=html");</script>' +
    '<img src=x onerror="fetch(\'/beacon?from=onerror\')"></body></html>',
);

export const SCRIPTED_SVG = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="fetch(\'/beacon?from=svg-onload\')">' +
    '<script>document.title = "pwned"; fetch("/beacon?from=svg");</script><rect width="10" height="10"/></svg>',
);

const ATTACHMENT_HEADERS = {
  'content-type': 'application/octet-stream',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
};

function headersOf(headers: Headers, names: string[]) {
  return Object.fromEntries(names.map((name) => [name, headers.get(name)]));
}

describe('hostile file contents: the type comes from the bytes, and nothing is served to run', () => {
  const env = serverForSuite('sqlite');

  it('HTML named x.png with Content-Type image/png is stored as a plain file and served as an attachment', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const file = await uploaded(env.server.url, alice.session, room, POLYGLOT_HTML, 'x.png', 'image/png');
    expect(file).toMatchObject({ name: 'x.png', type: 'application/octet-stream', thumbnail: false });
    expect(file.width).toBeUndefined();
    expect((await sendFiles(alice.socket, room, 'look', [file.id])).type).toBe('ack');
    const got = await download(env.server.url, alice.session, file.id);
    expect(got.status).toBe(200);
    expect(headersOf(got.headers, Object.keys(ATTACHMENT_HEADERS))).toEqual(ATTACHMENT_HEADERS);
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="x.png"; filename\*=UTF-8''x.png$/);
    // Served byte for byte: kept, never executed.
    expect(got.bytes.equals(POLYGLOT_HTML)).toBe(true);
    expect((await download(env.server.url, alice.session, file.id, true)).code).toBe('FILE_NOT_FOUND');
    await closeAll(alice);
  });

  it('an SVG with script is never image/svg+xml inline, whatever it is called', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    for (const [name, type] of [
      ['logo.svg', 'image/svg+xml'],
      ['logo.png', 'image/png'],
    ] as const) {
      const file = await uploaded(env.server.url, alice.session, room, SCRIPTED_SVG, name, type);
      expect(file.type).toBe('application/octet-stream');
      const got = await download(env.server.url, alice.session, file.id);
      expect(headersOf(got.headers, Object.keys(ATTACHMENT_HEADERS))).toEqual(ATTACHMENT_HEADERS);
      expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
    }
    await closeAll(alice);
  });

  it('a real PNG with HTML appended is re-encoded: what is served is pixels only', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const tainted = Buffer.concat([await png(32, 32), POLYGLOT_HTML]);
    const file = await uploaded(env.server.url, alice.session, room, tainted, 'cat.html', 'text/html');
    expect(file).toMatchObject({ type: 'image/png', width: 32, height: 32, thumbnail: true, name: 'cat.html' });
    const got = await download(env.server.url, alice.session, file.id);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(got.bytes.includes('<script')).toBe(false);
    expect((await sharp(got.bytes).metadata()).format).toBe('png');
    await closeAll(alice);
  });

  it('bytes that sniff as an image but do not decode are a plain attachment, not an error', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const header = (await png(64, 64)).subarray(0, 40);
    const broken = Buffer.concat([header, POLYGLOT_HTML]);
    const file = await uploaded(env.server.url, alice.session, room, broken, 'broken.png', 'image/png');
    expect(file).toMatchObject({ type: 'application/octet-stream', thumbnail: false });
    const got = await download(env.server.url, alice.session, file.id);
    expect(headersOf(got.headers, Object.keys(ATTACHMENT_HEADERS))).toEqual(ATTACHMENT_HEADERS);
    expect(got.bytes.equals(broken)).toBe(true);
    await closeAll(alice);
  });

  it("a photo's GPS and other EXIF are gone from what is served; it is turned upright first", async () => {
    const alice = await person(env, 'alice');
    const bob = await person(env, 'bob');
    const room = await moderatedRoom(alice, undefined, bob);
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({
        IFD0: { Copyright: 'parley-secret-place', Make: 'ParleyCam' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '48/1 51/1 2964/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '2/1 17/1 4020/100',
        },
      })
      .toBuffer();
    const before = await sharp(photo).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.includes('parley-secret-place')).toBe(true);
    // The GPS IFD pointer (tag 0x8825, little-endian) is in the input's EXIF.
    expect(before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);

    const file = await uploaded(env.server.url, alice.session, room, photo, 'holiday.jpg', 'image/jpeg');
    // Orientation 6 is a quarter turn: 64 × 48 as stored becomes 48 × 64 upright.
    expect(file).toMatchObject({ type: 'image/jpeg', width: 48, height: 64, thumbnail: true });
    expect((await sendFiles(alice.socket, room, '', [file.id])).type).toBe('ack');
    for (const thumbnail of [false, true]) {
      const got = await download(env.server.url, bob.session, file.id, thumbnail);
      expect(got.status).toBe(200);
      const after = await sharp(got.bytes).metadata();
      expect(after.exif).toBeUndefined();
      expect(after.xmp).toBeUndefined();
      expect(after.orientation).toBeUndefined();
      expect(got.bytes.includes('Exif\0\0')).toBe(false);
      expect(got.bytes.includes('parley-secret-place')).toBe(false);
      expect(got.bytes.includes('ParleyCam')).toBe(false);
      if (!thumbnail) expect([after.width, after.height]).toEqual([48, 64]);
    }
    await closeAll(alice, bob);
  });

  it('the name is for display only: path parts, control and bidi characters are dropped', async () => {
    const alice = await person(env, 'alice');
    const room = await moderatedRoom(alice, undefined);
    const file = await uploaded(
      env.server.url,
      alice.session,
      room,
      Buffer.from('hello'),
      '../../etc/pa\u202Ess\u0007wd',
    );
    expect(file.name).toBe('passwd');
    const odd = await uploaded(env.server.url, alice.session, room, Buffer.from('hi'), 'résumé "final";.txt');
    expect(odd.name).toBe('résumé "final";.txt');
    expect((await sendFiles(alice.socket, room, 'x', [odd.id])).type).toBe('ack');
    const got = await download(env.server.url, alice.session, odd.id);
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ _final__.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%3B.txt`,
    );
    await closeAll(alice);
  });
});
