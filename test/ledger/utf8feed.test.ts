// The UTF-8 feeder of the CSV readers (src/ledger/csv.ts utf8Feeder): the file's bytes in chunks
// of any size come out as the same bytes, cut only between characters, and bytes that are not
// UTF-8 are refused wherever the chunks cut them.
import { describe, expect, it } from 'vitest';
import { utf8Feeder } from '../../src/ledger/csv.js';

/** Feeds `bytes` in chunks of the given sizes (cycled); returns the pieces handed on. */
function feed(bytes: Buffer, sizes: readonly number[]): Uint8Array[] {
  const f = utf8Feeder('utf-8');
  const out: Uint8Array[] = [];
  let k = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = sizes[k++ % sizes.length]!;
    f.feed(bytes.subarray(i, i + n), (b) => out.push(Buffer.from(b))); // copied: callers may reuse chunks
    i += n;
  }
  const last = f.flush();
  if (last.length) out.push(last);
  return out;
}

describe('utf8Feeder', () => {
  const text = 'Peña,Zúñiga 😀 €,Ibáñez\n"Logroño",Ávila\n';
  const bytes = Buffer.from(text, 'utf8');

  it('hands on the same bytes in pieces that end between characters, whatever the chunk sizes', () => {
    for (const sizes of [[1], [2], [3], [5], [7, 1, 2], [64]]) {
      const pieces = feed(bytes, sizes);
      expect(Buffer.concat(pieces).toString('utf8'), `chunks ${sizes}`).toBe(text);
      for (const p of pieces) expect(Buffer.from(p).toString('utf8'), `chunks ${sizes}`).not.toContain('\uFFFD');
    }
  });

  it('refuses bytes that are not UTF-8, also when a chunk cuts them, and a character cut off at the end', () => {
    const bad = Buffer.concat([Buffer.from('Pe'), Buffer.from([0xc3, 0x28]), Buffer.from('a,b\n')]); // a lead byte, then no continuation
    for (const sizes of [[1], [2], [3], [64]]) expect(() => feed(bad, sizes), `chunks ${sizes}`).toThrow('invalid-utf8');
    const cut = Buffer.from('ab€', 'utf8').subarray(0, 4); // € is three bytes: the last two are missing
    for (const sizes of [[1], [2], [64]]) expect(() => feed(cut, sizes), `chunks ${sizes}`).toThrow('invalid-utf8');
  });
});
