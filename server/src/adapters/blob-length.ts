import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes a blob's bytes through and fails if they are not exactly `size`: the length a caller
 * declared is the length stored (S3 sends it as Content-Length, which must not lie).
 */
export function exactLength(size: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > size) callback(new Error(`blob body is longer than its declared ${size} bytes`));
      else callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      callback(seen === size ? null : new Error(`blob body has ${seen} bytes, ${size} declared`));
    },
  });
}
