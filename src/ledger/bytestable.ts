// A hash table of byte strings → dense ids (0, 1, 2… in order of first sight), stored in one
// growing byte arena. The aging fast path keeps each distinct customer spelling (the raw bytes of
// the name, id and contact columns) and the answers for short repetitive cells (currency, status)
// in it: ~30 bytes per key plus the key itself, no V8 string or Map entry per row (a Map<string,
// number> of 1M keys cost ~90 bytes each here, and every key string sliced from a 1 MB chunk kept
// that chunk alive). Each key also carries an integer tag that is part of its identity (the
// quoting of a cell): two keys are the same when their bytes and their tags are.
//
// Bytes are read four at a time through DataViews: byte-by-byte loops cost ~4 ns a byte here, and
// hashing and comparing customer names was a quarter of the fast path's time on 1M rows.

const EMPTY_SLOT = 0;

/**
 * Hashes are kept to 30 bits (non-negative): V8 holds such integers unboxed (Smis), while a
 * 32-bit one returned from a call that is not inlined becomes a heap number — garbage on every row.
 */
const SMI_BITS = 0x3fffffff;

/** A DataView over all of `b`. */
export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Mixes bytes [s, e) of `v` into hash `h`, a word at a time: multiply and rotate per word (the
 * rotation brings the high bits, which a product does not carry down, back to the low ones), then
 * murmur3's finalizer over the length. For hash tables and sorting, not for anything adversarial.
 */
export function hashView(v: DataView, s: number, e: number, h = 0x1c9dc5): number {
  let i = s;
  for (; i + 4 <= e; i += 4) {
    h = Math.imul(h ^ v.getInt32(i, true), 0x9e3779b1);
    h = (h << 15) | (h >>> 17);
  }
  let k = 0;
  for (let sh = 0; i < e; i++, sh += 8) k |= v.getUint8(i) << sh;
  h = Math.imul(h ^ k, 0x9e3779b1);
  return fmix(h ^ (e - s)) & SMI_BITS;
}

/** Murmur3's finalizer: every input bit reaches the low bits that pick a slot. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A hash of a JS string (UTF-16 units): the same in every thread for the same text. */
export function hashString(s: string, h = 0x1c9dc5): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h) & SMI_BITS;
}

/** Whether bytes [a, a + n) of `x` equal bytes [b, b + n) of `y`. */
export function equalViews(x: DataView, a: number, y: DataView, b: number, n: number): boolean {
  let i = 0;
  for (; i + 4 <= n; i += 4) if (x.getInt32(a + i, true) !== y.getInt32(b + i, true)) return false;
  for (; i < n; i++) if (x.getUint8(a + i) !== y.getUint8(b + i)) return false;
  return true;
}

export class BytesTable {
  /** Pairs (id + 1, hash): a probe compares hashes without touching another array. */
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private tags: Int32Array;
  /** offsets[id]..offsets[id + 1] is key `id` in the arena. */
  private offsets: Int32Array;
  private arena: Uint8Array;
  private arenaView: DataView;
  private used = 0;
  size = 0;

  constructor(initialKeys = 1024, initialBytes = initialKeys * 16) {
    let cap = 16;
    while (cap < initialKeys * 2) cap *= 2;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
    this.hashes = new Int32Array(initialKeys + 1);
    this.tags = new Int32Array(initialKeys + 1);
    this.offsets = new Int32Array(initialKeys + 1);
    this.arena = new Uint8Array(Math.max(16, initialBytes));
    this.arenaView = viewOf(this.arena);
  }

  /** The id of key bytes [s, e) of `v` with `tag` (hash `h`), or -1 when absent. */
  find(v: DataView, s: number, e: number, h: number, tag = 0): number {
    const slots = this.slots;
    let i = h & this.mask;
    for (;;) {
      const id = slots[2 * i]!;
      if (id === EMPTY_SLOT) return -1;
      if (slots[2 * i + 1] === h && this.equals(id - 1, v, s, e, tag)) return id - 1;
      i = (i + 1) & this.mask;
    }
  }

  /**
   * The keys with hash `h`, for a caller that compares them itself: the first slot holding one
   * (or -1), then `nextWith(h, slot)` for the next. (A comparison callback passed in cost a heap
   * allocation per lookup here: 50 MB of garbage on 1M rows.)
   */
  firstWith(h: number): number {
    return this.probeFrom(h, h & this.mask);
  }

  nextWith(h: number, slot: number): number {
    return this.probeFrom(h, (slot + 1) & this.mask);
  }

  /** The key in a slot found by firstWith / nextWith. */
  idAt(slot: number): number {
    return this.slots[2 * slot]! - 1;
  }

  private probeFrom(h: number, i: number): number {
    const slots = this.slots;
    for (;;) {
      const id = slots[2 * i]!;
      if (id === EMPTY_SLOT) return -1;
      if (slots[2 * i + 1] === h) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** The id of key bytes [s, e) of `v` with `tag`, adding the key when it is new (then `id === size - 1`). */
  intern(v: DataView, s: number, e: number, h: number, tag = 0): number {
    const slots = this.slots;
    let i = h & this.mask;
    for (;;) {
      const id = slots[2 * i]!;
      if (id === EMPTY_SLOT) break;
      if (slots[2 * i + 1] === h && this.equals(id - 1, v, s, e, tag)) return id - 1;
      i = (i + 1) & this.mask;
    }
    const id = this.size;
    if (id + 1 >= this.hashes.length) this.growKeys();
    const len = e - s;
    if (this.used + len > this.arena.length) this.growArena(len);
    const arena = this.arena;
    for (let j = s, k = this.used; j < e; j++, k++) arena[k] = v.getUint8(j);
    this.used += len;
    this.hashes[id] = h;
    this.tags[id] = tag;
    this.offsets[id + 1] = this.used;
    this.size = id + 1;
    slots[2 * i] = id + 1;
    slots[2 * i + 1] = h;
    if (this.size * 2 > this.mask + 1) this.rehash();
    return id;
  }

  /** The arena, and key `id`'s place in it: bytes [start(id), end(id)). */
  get view(): DataView {
    return this.arenaView;
  }

  start(id: number): number {
    return this.offsets[id]!;
  }

  end(id: number): number {
    return this.offsets[id + 1]!;
  }

  private equals(id: number, v: DataView, s: number, e: number, tag: number): boolean {
    const a = this.offsets[id]!;
    const len = this.offsets[id + 1]! - a;
    return len === e - s && this.tags[id] === tag && equalViews(this.arenaView, a, v, s, len);
  }

  private growKeys(): void {
    const n = this.hashes.length * 2;
    const h = new Int32Array(n);
    h.set(this.hashes);
    this.hashes = h;
    const t = new Int32Array(n);
    t.set(this.tags);
    this.tags = t;
    const o = new Int32Array(n);
    o.set(this.offsets);
    this.offsets = o;
  }

  private growArena(need: number): void {
    let n = this.arena.length * 2;
    while (n < this.used + need) n *= 2;
    if (n > 0x7fffffff) throw new RangeError('BytesTable: more than 2 GB of keys');
    const a = new Uint8Array(n);
    a.set(this.arena.subarray(0, this.used));
    this.arena = a;
    this.arenaView = viewOf(a);
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      const h = this.hashes[id]!;
      let i = h & mask;
      while (slots[2 * i] !== EMPTY_SLOT) i = (i + 1) & mask;
      slots[2 * i] = id + 1;
      slots[2 * i + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
