// The sort behind the fast path's repeated-invoice check (src/ledger/fastreader.ts sortByHash):
// both of its methods give the items in hash order, items of one hash in item order.
import { describe, expect, it } from 'vitest';
import { sortByHash } from '../../src/ledger/fastreader.js';

describe('sortByHash', () => {
  it('sorts items by hash, keeping item order within a hash, the same way natively and by radix', () => {
    // 300,000 items (the radix sort is the default above 262,144), hashes of 30 bits, many repeated.
    let seed = 7;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 2);
    const n = 300_000;
    const hashes = new Int32Array(n + 10);
    for (let i = 0; i < hashes.length; i++) hashes[i] = i % 5 === 0 ? rand() & 0xff : rand() & 0x3fffffff;
    const native = sortByHash(hashes, 10, n + 10, 'native');
    const radix = sortByHash(hashes, 10, n + 10, 'radix');
    expect(Array.from(radix.idx)).toEqual(Array.from(native.idx));
    expect(Array.from(radix.hash)).toEqual(Array.from(native.hash));
    expect(native.idx.length).toBe(n);
    let wrongHash = 0;
    let outOfOrder = 0;
    const seen = new Uint8Array(n + 10);
    for (let i = 0; i < n; i++) {
      if (native.hash[i] !== hashes[native.idx[i]!]) wrongHash++;
      if (i > 0 && !(native.hash[i - 1]! < native.hash[i]! || (native.hash[i - 1] === native.hash[i] && native.idx[i - 1]! < native.idx[i]!))) outOfOrder++;
      seen[native.idx[i]!]!++;
    }
    expect([wrongHash, outOfOrder]).toEqual([0, 0]);
    expect(seen.subarray(0, 10).every((x) => x === 0) && seen.subarray(10).every((x) => x === 1)).toBe(true);
  });
});
