/**
 * A complete, unmasked, unfragmented WebSocket text frame (RFC 6455 §5.2) around `payload`: what a
 * server writes for one message. Built once per broadcast and written as is to every recipient.
 */
export function textFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(payload, headerLength);
  return frame;
}

/** Consecutive text frames, one per payload, in one buffer: several messages in one write. */
export function textFrames(payloads: readonly Uint8Array[]): Buffer {
  if (payloads.length === 1) return textFrame(payloads[0]!);
  return Buffer.concat(payloads.map(textFrame));
}
