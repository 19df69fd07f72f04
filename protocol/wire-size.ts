/**
 * What text costs on the wire. A message's text travels as a JSON string inside a UTF-8 frame, so
 * its cost is neither its length in characters nor in UTF-16 units: a control character becomes
 * six bytes (`\u0001`), a quote or a newline two, a CJK character three, an emoji four. Limits that
 * protect frames and send buffers are stated in these bytes.
 */

/**
 * The UTF-8 length of `JSON.stringify(text)` without its two quotes, counted in one pass without
 * building the escaped string (the send path runs this for every message).
 */
export function jsonTextBytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20) {
      // \b \t \n \f \r have two-character escapes; every other control is \u00XX.
      bytes += unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d ? 2 : 6;
    } else if (unit === 0x22 || unit === 0x5c) {
      bytes += 2;
    } else if (unit < 0x80) {
      bytes += 1;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      // A lone surrogate is escaped as \uXXXX (well-formed JSON.stringify); sends refuse them anyway.
      bytes += 6;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

/** The UTF-8 length of a string that is already JSON (what a frame costs once encoded). */
export function utf8Bytes(json: string): number {
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const unit = json.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(json.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
