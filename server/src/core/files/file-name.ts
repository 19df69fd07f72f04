/** The longest file name kept, in code points (file systems commonly allow 255 bytes). */
export const FILE_NAME_MAX_CHARS = 120;

/**
 * The uploader's file name made safe to show and to offer as a download name: the last path part
 * only (no `/`, `\`), no control or invisible format characters (which could reverse how a name
 * reads: `U+202E` makes `photo‮gnp.exe` look like a PNG), no leading dots, at most
 * FILE_NAME_MAX_CHARS code points keeping the extension; `file` when nothing is left. It decides
 * nothing about the bytes: the type is sniffed.
 */
export function safeFileName(raw: string | undefined): string {
  const last = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const clean = last
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\uFFFD]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^\.+/, '')
    .trim();
  const chars = [...clean];
  if (chars.length === 0) return 'file';
  if (chars.length <= FILE_NAME_MAX_CHARS) return clean;
  const dot = clean.lastIndexOf('.');
  const extension = dot > 0 ? [...clean.slice(dot)] : [];
  const keep = extension.length > 0 && extension.length <= 16 ? extension : [];
  return chars.slice(0, FILE_NAME_MAX_CHARS - keep.length).join('') + keep.join('');
}
