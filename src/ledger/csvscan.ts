// The CSV scanner: UTF-8 bytes in, records out as field offsets into the byte buffer — no string
// per field unless the caller asks for one. Shared by the general reader (csv.ts builds text cells
// from the offsets) and the aging fast path (fastaging.ts parses dates and amounts from the bytes).
// Why hand-written: csv-parse took 8.8 s to parse a 1M-row, 125 MB ledger here; this loop is a few
// hundred MB/s. Why bytes: delimiters, quotes and line ends are ASCII in UTF-8, so they can be
// found without decoding, and an invoice key can be hashed and stored as bytes (no V8 strings
// sliced out of a 256 KB chunk, which kept whole chunks alive).
//
// Rules (RFC 4180, with the leniency real exports need):
// - a field that starts with `"` is quoted: delimiters and line ends inside are text, `""` is one
//   quote; after the closing quote only the delimiter, a line end or the end of the file may follow
//   (anything else: CsvSyntaxError 'text-after-quote', as csv-parse did);
// - a `"` inside an unquoted field is text (`12" pipe`, inches in a description): csv-parse threw
//   a plain error there and the CLI answered "internal error";
// - CRLF, LF and lone CR all end a record; a record starts at the line it starts on (quoted
//   newlines count), which is the row number users see in messages;
// - a line with nothing on it is skipped; a line of spaces or `,,,` is a record (of blank fields).
// The scanner is resumable at any byte: a record cut by a chunk boundary is carried, never rescanned.

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Field kinds in `CsvScanner.quoted`. */
export const PLAIN = 0;
/** Quoted, no doubled quotes inside: the bytes between the quotes are the value. */
export const QUOTED = 1;
/** Quoted with `""` inside: the value needs `""` → `"`. */
export const ESCAPED = 2;

export class CsvSyntaxError extends Error {
  constructor(
    readonly kind: 'unclosed-quote' | 'text-after-quote',
    /** 1-based line where the problem was found (for an unclosed quote: where the field opened). */
    readonly line: number,
  ) {
    super(kind === 'unclosed-quote' ? 'a quoted field is never closed' : 'a quote is followed by text inside a field');
  }
}

/** The record being reported: valid only during the `onRecord` call. */
export interface CsvRecord {
  readonly buf: Uint8Array;
  /** Number of fields. */
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** PLAIN, QUOTED or ESCAPED per field. */
  readonly quoted: Uint8Array;
  /** 1-based line on which the record starts. */
  readonly line: number;
}

// Scanner states between bytes.
const FIELD_START = 0;
const IN_PLAIN = 1;
const IN_QUOTED = 2;
const AFTER_QUOTE = 3;

const EMPTY = new Uint8Array(0);

export class CsvScanner implements CsvRecord {
  buf: Uint8Array = EMPTY;
  count = 0;
  starts: Int32Array = new Int32Array(32);
  ends: Int32Array = new Int32Array(32);
  quoted: Uint8Array = new Uint8Array(32);
  line = 1;

  private len = 0;
  /** The buffer that joins a carried record to the next chunk (reused). */
  private joined: Uint8Array = EMPTY;
  private pos = 0;
  private recStart = 0;
  private state = FIELD_START;
  private fieldStart = 0;
  private escaped = false;
  private quoteLine = 1;
  /** Line the scan position is on. */
  private cur = 1;
  /** The byte before `pos` was a CR (so an LF right after it is the same line end). */
  private prevCR = false;
  private ended = false;

  constructor(
    private readonly delimiter: number,
    private readonly onRecord: (r: CsvRecord) => void,
  ) {
    if (delimiter === QUOTE || delimiter === LF || delimiter === CR || delimiter > 127) {
      throw new RangeError('the CSV delimiter must be an ASCII character other than a quote or a line end');
    }
  }

  /** Bytes held for a record that a chunk boundary cut (for memory accounting in tests). */
  get carried(): number {
    return this.len - this.recStart;
  }

  /**
   * Whether the bytes pushed so far end exactly after a record: nothing carried, no field open, not
   * right after a CR (whose LF may follow). Reading on from there with a fresh scanner gives the
   * same records (fastaging.ts splits a file between two threads at such a point).
   */
  get atRecordStart(): boolean {
    return this.state === FIELD_START && this.count === 0 && this.len - this.recStart === 0 && !this.prevCR;
  }

  /** The line the next record starts on (when atRecordStart). */
  get nextLine(): number {
    return this.cur;
  }

  /** Scans the next chunk of UTF-8 bytes, reporting every record completed by it. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('CsvScanner: push after end');
    if (chunk.length === 0) return;
    const live = this.len - this.recStart;
    if (live === 0) {
      this.rebase(this.recStart);
      this.buf = chunk;
      this.len = chunk.length;
    } else {
      // Carry the unfinished record: offsets move by recStart, the scan resumes where it stopped.
      // One buffer is reused for it: a fresh one per chunk meant a megabyte allocated (and a
      // young-generation collection every few chunks, to free it) for nearly every chunk, since a
      // chunk boundary nearly always cuts a record.
      const need = live + chunk.length;
      let joined = this.joined;
      if (joined.length < need) {
        joined = Buffer.allocUnsafe(Math.max(need, joined.length * 2));
        joined.set(this.buf.subarray(this.recStart, this.len), 0);
        this.joined = joined;
      } else if (this.buf === joined) joined.copyWithin(0, this.recStart, this.len);
      else joined.set(this.buf.subarray(this.recStart, this.len), 0);
      joined.set(chunk, live);
      this.rebase(this.recStart);
      this.buf = joined;
      this.len = need;
    }
    this.scan(false);
    if (this.buf === chunk && this.recStart < this.len) {
      // Keep the unfinished record, not the caller's chunk: callers may reuse their buffers.
      const live = Buffer.from(this.buf.subarray(this.recStart, this.len)); // a copy (Buffer#slice is a view)
      this.rebase(this.recStart);
      this.buf = live;
      this.len = live.length;
    }
  }

  /** The end of the input: reports the last record (a missing final line end is fine). */
  end(): void {
    if (this.ended) return;
    this.scan(true);
    this.ended = true;
    this.buf = EMPTY;
    this.joined = EMPTY;
  }

  private rebase(shift: number): void {
    if (shift === 0) return;
    this.pos -= shift;
    this.fieldStart -= shift;
    for (let i = 0; i < this.count; i++) {
      this.starts[i]! -= shift;
      this.ends[i]! -= shift;
    }
    this.recStart = 0;
  }

  private addField(start: number, end: number, kind: number): void {
    const n = this.count;
    if (n === this.starts.length) {
      const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      const q = new Uint8Array(this.quoted.length * 2);
      q.set(this.quoted);
      this.quoted = q;
    }
    this.starts[n] = start;
    this.ends[n] = end;
    this.quoted[n] = kind;
    this.count = n + 1;
  }

  /** Ends the record whose last field was just added; skips a line with nothing on it. */
  private emit(): void {
    if (!(this.count === 1 && this.quoted[0] === PLAIN && this.starts[0] === this.ends[0])) this.onRecord(this);
    this.count = 0;
  }

  /**
   * The fast lane: whole records lying entirely in the buffer, from `p` (a record start). Returns
   * where it stopped: at a record the buffer cuts (or one with more fields than the arrays hold);
   * the resumable state machine in `scan` takes that record over. Kept apart from `scan` so that
   * V8 optimizes this loop on its own: inside `scan`, the rare chunk-boundary paths deoptimized
   * it again and again (1M rows: 0.9 s of scanning instead of a quarter of that).
   */
  private records(p: number): number {
    const buf = this.buf;
    const len = this.len;
    const d = this.delimiter;
    // Four bytes at a time where a field is long (names, emails, notes): a 32-bit word has one of
    // the bytes looked for when (w ^ b) has a zero byte, i.e. ((x - 0x01…) & ~x & 0x80…) ≠ 0 —
    // never a miss; a false alarm only sends the bytes of that word through the byte loop.
    const view = buf.length >= 4 ? new DataView(buf.buffer, buf.byteOffset, buf.length) : null;
    const dWord = d * 0x01010101;
    const wordEnd = len - 4;
    let cur = this.cur;
    let prevCR = this.prevCR;
    record: for (;;) {
      const starts = this.starts;
      const ends = this.ends;
      const quoted = this.quoted;
      const cap = starts.length;
      let q = p;
      let n = 0;
      let c = 0;
      let lines = cur; // line ends inside quoted fields move this on
      let pcr = prevCR;
      for (;;) {
        if (q >= len || n >= cap) break record;
        c = buf[q]!;
        if (c === QUOTE) {
          let r = q + 1;
          let escaped = false;
          for (;;) {
            if (view !== null) {
              while (r <= wordEnd) {
                const w = view.getInt32(r, true);
                const x = w ^ 0x22222222;
                const y = w ^ 0x0a0a0a0a;
                const z = w ^ 0x0d0d0d0d;
                if (((x - 0x01010101) & ~x & 0x80808080) | ((y - 0x01010101) & ~y & 0x80808080) | ((z - 0x01010101) & ~z & 0x80808080)) break;
                r += 4;
                pcr = false;
              }
            }
            if (r >= len) break record;
            const b = buf[r]!;
            if (b === QUOTE) {
              if (r + 1 >= len) break record;
              if (buf[r + 1] === QUOTE) {
                escaped = true;
                r += 2;
                pcr = false;
                continue;
              }
              break;
            }
            if (b === CR) {
              lines++;
              pcr = true;
            } else if (b === LF) {
              if (!pcr) lines++;
              pcr = false;
            } else pcr = false;
            r++;
          }
          starts[n] = q + 1;
          ends[n] = r;
          quoted[n] = escaped ? ESCAPED : QUOTED;
          q = r + 1;
          c = buf[q]!;
          if (c !== d && c !== LF && c !== CR) throw new CsvSyntaxError('text-after-quote', lines);
        } else {
          // An unquoted field: a quote inside it is text.
          const fs = q;
          while (c !== d && c !== LF && c !== CR) {
            if (++q >= len) break record;
            if (view !== null) {
              while (q <= wordEnd) {
                const w = view.getInt32(q, true);
                const x = w ^ dWord;
                const y = w ^ 0x0a0a0a0a;
                const z = w ^ 0x0d0d0d0d;
                if (((x - 0x01010101) & ~x & 0x80808080) | ((y - 0x01010101) & ~y & 0x80808080) | ((z - 0x01010101) & ~z & 0x80808080)) break;
                q += 4;
              }
              if (q >= len) break record;
            }
            c = buf[q]!;
          }
          starts[n] = fs;
          ends[n] = q;
          quoted[n] = PLAIN;
        }
        if (c !== d) break;
        n++;
        q++;
      }
      // q is at the record's line end (c).
      this.count = n + 1;
      this.line = cur;
      this.recStart = p;
      if (c === LF) {
        // An empty "line" right after a CR is the CR's own line end (CRLF): not a new line.
        if (!(prevCR && q === p)) lines++;
        prevCR = false;
      } else {
        lines++;
        prevCR = true;
      }
      cur = lines;
      this.emit();
      p = q + 1;
    }
    this.count = 0;
    this.cur = cur;
    this.prevCR = prevCR;
    return p;
  }

  private scan(final: boolean): void {
    const buf = this.buf;
    const len = this.len;
    const d = this.delimiter;
    let p = this.pos;
    let state = this.state;
    let cur = this.cur;
    let prevCR = this.prevCR;
    for (;;) {
      if (state === FIELD_START && this.count === 0 && p < len) {
        this.cur = cur;
        this.prevCR = prevCR;
        p = this.records(p);
        cur = this.cur;
        prevCR = this.prevCR;
        if (p >= len) continue;
      }
      if (state === FIELD_START) {
        if (p >= len) {
          if (final && this.count > 0) {
            // "a,b," at the end of the file: the last field is empty.
            this.addField(p, p, PLAIN);
            this.emit();
          }
          break;
        }
        if (this.count === 0) {
          this.recStart = p;
          this.line = cur;
        }
        const c = buf[p]!;
        if (c === QUOTE) {
          state = IN_QUOTED;
          this.fieldStart = p;
          this.escaped = false;
          this.quoteLine = cur;
          p++;
          prevCR = false;
          continue;
        }
        this.fieldStart = p;
        state = IN_PLAIN;
        // fall through to IN_PLAIN
      }
      if (state === IN_PLAIN) {
        let c = 0;
        while (p < len) {
          c = buf[p]!;
          if (c === d || c === LF || c === CR) break;
          p++;
        }
        if (p > this.fieldStart) prevCR = false;
        if (p >= len) {
          if (!final) break;
          this.addField(this.fieldStart, p, PLAIN);
          this.emit();
          state = FIELD_START;
          break;
        }
        this.addField(this.fieldStart, p, PLAIN);
        p++;
        if (c === d) {
          state = FIELD_START;
          continue;
        }
        this.emit();
        if (c === CR) {
          cur++;
          prevCR = true;
        } else {
          if (!prevCR) cur++;
          prevCR = false;
        }
        state = FIELD_START;
        continue;
      }
      if (state === IN_QUOTED) {
        let closed = false;
        while (p < len) {
          const c = buf[p]!;
          if (c === QUOTE) {
            if (p + 1 >= len && !final) break; // "" or a closing quote: the next chunk tells
            if (p + 1 < len && buf[p + 1] === QUOTE) {
              this.escaped = true;
              p += 2;
              prevCR = false;
              continue;
            }
            closed = true;
            break;
          }
          if (c === CR) {
            cur++;
            prevCR = true;
          } else if (c === LF) {
            if (!prevCR) cur++;
            prevCR = false;
          } else prevCR = false;
          p++;
        }
        if (!closed) {
          if (final) throw new CsvSyntaxError('unclosed-quote', this.quoteLine);
          break;
        }
        this.addField(this.fieldStart + 1, p, this.escaped ? ESCAPED : QUOTED);
        p++;
        prevCR = false;
        state = AFTER_QUOTE;
      }
      // AFTER_QUOTE: only a delimiter, a line end or the end of the input may follow.
      if (p >= len) {
        if (!final) break;
        this.emit();
        state = FIELD_START;
        break;
      }
      const c = buf[p]!;
      p++;
      if (c === d) {
        state = FIELD_START;
        continue;
      }
      if (c === CR || c === LF) {
        this.emit();
        cur++;
        prevCR = c === CR;
        state = FIELD_START;
        continue;
      }
      throw new CsvSyntaxError('text-after-quote', cur);
    }
    this.pos = p;
    this.state = state;
    this.cur = cur;
    this.prevCR = prevCR;
    if (state === FIELD_START && this.count === 0) this.recStart = p;
  }
}
