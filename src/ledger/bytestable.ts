// A hash table of byte strings → dense ids (0, 1, 2… in order of first sight), stored in one
// growing byte arena. The aging fast path keys invoices by (customer, invoice number) and customers
// by their raw name/id/contact bytes with it: ~30 bytes per key plus the key itself, no V8 string
// or Map entry per invoice (a Map<string, number> of 1M keys cost ~90 bytes each here, and every
// key string sliced from a 1 MB chunk kept that chunk alive).

const EMPTY_SLOT = 0;

/** FNV-1a over bytes [s, e). */
export function hashBytes(buf: Uint8Array, s: number, e: number, h = 0x811c9dc5): number {
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h;
}

export class BytesTable {
  /** Pairs (id + 1, hash): a probe compares hashes without touching another array. */
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  /** offsets[id]..offsets[id + 1] is key `id` in the arena. */
  private offsets: Int32Array;
  private arena: Uint8Array;
  private used = 0;
  size = 0;

  constructor(initialKeys = 1024) {
    let cap = 16;
    while (cap < initialKeys * 2) cap *= 2;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
    this.hashes = new Int32Array(initialKeys);
    this.offsets = new Int32Array(initialKeys + 1);
    this.arena = new Uint8Array(initialKeys * 16);
  }

  /** Bytes held (for the bytes-per-invoice figure). */
  get bytes(): number {
    return this.slots.byteLength + this.hashes.byteLength + this.offsets.byteLength + this.arena.byteLength;
  }

  /** The id of key bytes [s, e) of `buf` (hash `h` from hashBytes), or -1 when absent. */
  find(buf: Uint8Array, s: number, e: number, h: number): number {
    const slots = this.slots;
    let i = h & this.mask;
    for (;;) {
      const v = slots[2 * i]!;
      if (v === EMPTY_SLOT) return -1;
      if (slots[2 * i + 1] === h && this.equals(v - 1, buf, s, e)) return v - 1;
      i = (i + 1) & this.mask;
    }
  }

  /** The id of the key with hash `h` for which `same(arena, start, length)` holds, or -1. */
  findWith(h: number, same: (arena: Uint8Array, start: number, length: number) => boolean): number {
    const slots = this.slots;
    let i = h & this.mask;
    for (;;) {
      const v = slots[2 * i]!;
      if (v === EMPTY_SLOT) return -1;
      if (slots[2 * i + 1] === h) {
        const a = this.offsets[v - 1]!;
        if (same(this.arena, a, this.offsets[v]! - a)) return v - 1;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** The id of key bytes [s, e), adding the key when it is new (then `id === size - 1`). */
  intern(buf: Uint8Array, s: number, e: number, h: number): number {
    const slots = this.slots;
    let i = h & this.mask;
    for (;;) {
      const v = slots[2 * i]!;
      if (v === EMPTY_SLOT) break;
      if (slots[2 * i + 1] === h && this.equals(v - 1, buf, s, e)) return v - 1;
      i = (i + 1) & this.mask;
    }
    const id = this.size;
    if (id + 1 >= this.hashes.length) this.growKeys();
    const len = e - s;
    if (this.used + len > this.arena.length) this.growArena(len);
    const arena = this.arena;
    for (let j = s, k = this.used; j < e; j++, k++) arena[k] = buf[j]!;
    this.used += len;
    this.hashes[id] = h;
    this.offsets[id + 1] = this.used;
    this.size = id + 1;
    slots[2 * i] = id + 1;
    slots[2 * i + 1] = h;
    if (this.size * 2 > this.mask + 1) this.rehash();
    return id;
  }

  /** The bytes of key `id` (a view into the arena: copy it to keep it). */
  key(id: number): Uint8Array {
    return this.arena.subarray(this.offsets[id]!, this.offsets[id + 1]!);
  }

  private equals(id: number, buf: Uint8Array, s: number, e: number): boolean {
    const a = this.offsets[id]!;
    const len = this.offsets[id + 1]! - a;
    if (len !== e - s) return false;
    const arena = this.arena;
    for (let k = 0; k < len; k++) if (arena[a + k] !== buf[s + k]) return false;
    return true;
  }

  private growKeys(): void {
    const n = this.hashes.length * 2;
    const h = new Int32Array(n);
    h.set(this.hashes);
    this.hashes = h;
    const o = new Int32Array(n + 1);
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
