// A compact column of strings (ids, labels): one UTF-8 byte array plus offsets, instead of millions of JS strings.

/** `count` strings; string i is the UTF-8 text in `bytes[offsets[i] .. offsets[i+1])`. */
export class StringColumn {
  private readonly text: Buffer;

  constructor(
    readonly offsets: Uint32Array,
    readonly bytes: Uint8Array,
  ) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  get(i: number): string {
    return this.text.toString('utf8', this.offsets[i], this.offsets[i + 1]);
  }

  /** Bytes of memory the column holds. */
  get byteLength(): number {
    return this.offsets.byteLength + this.bytes.byteLength;
  }

  static from(strings: readonly string[]): StringColumn {
    const builder = new StringColumnBuilder();
    for (const s of strings) builder.push(s);
    return builder.finish();
  }
}

/** Appends strings one by one into a growing byte buffer. */
export class StringColumnBuilder {
  private offsets = new Uint32Array(1024);
  private bytes = Buffer.alloc(16 * 1024);
  private n = 0;
  private used = 0;

  get count(): number {
    return this.n;
  }

  push(s: string): void {
    if (this.n + 2 > this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    const need = Buffer.byteLength(s, 'utf8');
    if (this.used + need > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(this.bytes.length * 2, this.used + need));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.used += this.bytes.write(s, this.used, 'utf8');
    this.n++;
    this.offsets[this.n] = this.used;
  }

  finish(): StringColumn {
    return new StringColumn(this.offsets.slice(0, this.n + 1), new Uint8Array(this.bytes.subarray(0, this.used)));
  }
}
