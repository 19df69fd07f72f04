/** The pure parts of files and search in the web client: upload state, words for files, search marks. */
import { expect, it } from 'vitest';
import type { FileRef } from '../../protocol/files.js';
import { HIGHLIGHT_END as E, HIGHLIGHT_START as S } from '../../protocol/search.js';
import { ApiError } from '../src/api.js';
import { fileKind, formatBytes, isPicture, uploadProblem } from '../src/files/format.js';
import * as up from '../src/files/uploads.js';
import * as marks from '../src/search/highlight.js';
import { highlightParts } from '../src/search/highlight.js';
import { searchParams } from '../src/search/api-search.js';
import { notificationText } from '../src/attention/notify-policy.js';
import { applyMessageEvent } from '../src/state/messages.js';

const ref = (id: string): FileRef => ({ id, name: `${id}.png`, type: 'image/png', size: 10, thumbnail: true });
const file = (name: string, size = 1000) => ({ name, size, type: 'image/png' });

it('uses the marks the protocol defines (written out, so the bundle has no zod)', () => {
  expect([marks.HIGHLIGHT_START, marks.HIGHLIGHT_END]).toEqual([S, E]);
});

it('marks the matches of a hit and keeps everything else as text, markup included', () => {
  expect(highlightParts(`say <b>${S}hello${E}</b> & ${S}world${E}`)).toEqual([
    { text: 'say <b>', marked: false },
    { text: 'hello', marked: true },
    { text: '</b> & ', marked: false },
    { text: 'world', marked: true },
  ]);
  // An unpaired start runs to the end; stray ends and nested starts are dropped; nothing is lost.
  expect(highlightParts(`${E}a${S}b${S}c`)).toEqual([
    { text: 'a', marked: false },
    { text: 'bc', marked: true },
  ]);
  expect(highlightParts('<img src=x onerror=alert(1)>')).toEqual([
    { text: '<img src=x onerror=alert(1)>', marked: false },
  ]);
  expect(highlightParts(`${S}${E}`)).toEqual([]);
});

it('asks the search route with the words, the room and the cursor, all encoded', () => {
  expect(searchParams({ q: 'a&b=c #x' })).toBe('q=a%26b%3Dc+%23x');
  expect(searchParams({ q: 'hi', room: 'dev', cursor: 'abc/+=', limit: 20 })).toBe(
    'q=hi&room=dev&cursor=abc%2F%2B%3D&limit=20',
  );
});

it('follows an upload from added to progress to done, per room', () => {
  let list: readonly up.Upload[] = up.added([], 'k1', 'general', file('a.png'));
  list = up.added(list, 'k2', 'general', file('b.png', 0));
  list = up.added(list, 'k3', 'dev', file('c.png'));
  expect(up.busy(list, 'general')).toBe(true);
  list = up.progressed(list, 'k1', 400);
  expect(up.percent(list[0]!)).toBe(40);
  const same = up.progressed(list, 'k1', 300); // progress never goes back
  expect(same).toBe(list);
  list = up.finished(list, 'k1', ref('f1'));
  list = up.failed(list, 'k2', 'b.png: too large');
  expect(up.percent(list[0]!)).toBe(100);
  expect(up.busy(list, 'general')).toBe(false);
  expect(up.busy(list, 'dev')).toBe(true);
  expect(up.readyFiles(list, 'general')).toEqual([ref('f1')]);
  expect(up.readyFiles(list, 'dev')).toEqual([]);
  expect(up.roomLeft(list, 'general')).toBe(9); // the failed one does not count
  list = up.removed(list, 'k2');
  expect(up.ofRoom(list, 'general').map((u) => u.key)).toEqual(['k1']);
  expect(up.removed(list, 'nope')).toBe(list);
});

it('says sizes and kinds the way a person reads them', () => {
  expect([0, 999, 1024, 1536, 10 * 1024 * 1024 + 5, 25 * 1024 ** 2, 3 * 1024 ** 3].map(formatBytes)).toEqual([
    '0 B',
    '999 B',
    '1 KiB',
    '1.5 KiB',
    '10 MiB',
    '25 MiB',
    '3 GiB',
  ]);
  expect(fileKind('image/png')).toBe('PNG image');
  expect(fileKind('application/pdf')).toBe('PDF');
  expect(fileKind('application/octet-stream')).toBe('file');
  expect(fileKind('image/svg+xml')).toBe('SVG image');
  expect(isPicture({ type: 'image/svg+xml', thumbnail: false })).toBe(false);
  expect(isPicture({ type: 'image/webp', thumbnail: false })).toBe(true);
});

it('explains a failed upload with the file name and the server words', () => {
  const tooLarge = new ApiError(413, 'FILE_TOO_LARGE', 'Files are at most 25 MiB.');
  expect(uploadProblem('big.bin', tooLarge)).toBe('big.bin: Files are at most 25 MiB.');
  const quota = new ApiError(413, 'QUOTA_EXCEEDED', 'Your files use all of your 1 GiB.');
  expect(uploadProblem('a.png', quota)).toBe('a.png: Your files use all of your 1 GiB.');
  expect(uploadProblem('a.png', new ApiError(0, 'NETWORK', 'cut off'))).toBe('a.png: cut off');
  expect(uploadProblem('a.png', new Error('?'))).toBe('a.png: the upload failed.');
});

it('names the files of a message without words in its notification, and a deletion drops them', () => {
  const user = { id: 'u1', username: 'ann', color: '#88ff88' };
  const m = { id: 'm1', room: 'general', seq: 1, user, text: '', createdAt: '', files: [ref('cat')] };
  expect(notificationText(m, '#general', false).body).toBe('▤ cat.png');
  const actor = user;
  const [gone] = applyMessageEvent(
    [m],
    { kind: 'delete', room: 'general', seq: 2, messageId: 'm1', actor, at: 'now', byModerator: false },
    'u1',
  );
  expect(gone?.files).toBeUndefined();
  expect(gone?.deletedAt).toBe('now');
});
