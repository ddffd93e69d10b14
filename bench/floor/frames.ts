/**
 * The floor's TCP framing: 4-byte big-endian length, then the body, the
 * same shape as Parley's peer frames. A body starts with a 4-byte request id.
 */

export function encode(id: number, payload: Buffer = Buffer.alloc(0)) {
  const frame = Buffer.allocUnsafe(8 + payload.length);
  frame.writeUInt32BE(4 + payload.length, 0);
  frame.writeUInt32BE(id, 4);
  payload.copy(frame, 8);
  return frame;
}

/**
 * Cuts a byte stream into frames; `onFrame(id, payload)` for each.
 */
export function decoder(onFrame: (id: number, payload: Buffer) => void) {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    let offset = 0;
    while (buffered.length - offset >= 4) {
      const length = buffered.readUInt32BE(offset);
      if (buffered.length - offset < 4 + length) break;
      onFrame(buffered.readUInt32BE(offset + 4), buffered.subarray(offset + 8, offset + 4 + length));
      offset += 4 + length;
    }
    buffered = buffered.subarray(offset);
  };
}
