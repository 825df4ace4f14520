/**
 * Streaming window statistics, O(1) amortised per value. Windows are measured by a key that only grows:
 * a bar's openTime for spans of time (the data has gaps, so 24 h is not a fixed number of bars) or a
 * bar's index for spans of bars.
 */

/** Minimum or maximum over a trailing window of keys `(key − span, key]`: a monotonic deque in a ring. */
export class RollingExtreme {
  private keys = new Float64Array(64);
  private values = new Float64Array(64);
  /** Ring positions: `head` is the front, `size` entries follow it. */
  private head = 0;
  private size = 0;
  private readonly isMin: boolean;

  constructor(
    /** Width of the window in key units (ms for time, bars for an index). */
    readonly span: number,
    /** 'min' keeps the lowest value, 'max' the highest. */
    readonly kind: 'min' | 'max',
  ) {
    if (!(span > 0)) throw new Error(`RollingExtreme: span must be positive, got ${span}`);
    this.isMin = kind === 'min';
  }

  /** Adds a value at `key` (not below the previous key) and returns the window's extreme, this value included. */
  push(key: number, value: number): number {
    let mask = this.keys.length - 1;
    // Drop values from the back that can never be the extreme again while `value` is in the window.
    while (this.size > 0) {
      const last = this.values[(this.head + this.size - 1) & mask]!;
      if (this.isMin ? last < value : last > value) break;
      this.size--;
    }
    if (this.size === this.keys.length) mask = this.grow();
    const at = (this.head + this.size) & mask;
    this.keys[at] = key;
    this.values[at] = value;
    this.size++;
    const oldest = key - this.span;
    while (this.keys[this.head]! <= oldest) {
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    return this.values[this.head]!;
  }

  /** The current extreme; NaN before the first push. */
  get value(): number {
    return this.size > 0 ? this.values[this.head]! : Number.NaN;
  }

  /** Doubles the ring (capacity stays a power of two) and returns the new index mask. */
  private grow(): number {
    const capacity = this.keys.length;
    const keys = new Float64Array(capacity * 2);
    const values = new Float64Array(capacity * 2);
    for (let k = 0; k < this.size; k++) {
      keys[k] = this.keys[(this.head + k) & (capacity - 1)]!;
      values[k] = this.values[(this.head + k) & (capacity - 1)]!;
    }
    this.keys = keys;
    this.values = values;
    this.head = 0;
    return capacity * 2 - 1;
  }
}

/** Mean of the last `size` values, or NaN until that many have been pushed. */
export class RollingMean {
  private readonly ring: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size > 0))
      throw new Error(`RollingMean: size must be a positive integer`);
    this.ring = new Float64Array(size);
  }

  /** Adds a value and returns the mean of the last `size` values (NaN while filling). */
  push(value: number): number {
    const ring = this.ring;
    this.sum += value - ring[this.next]!;
    ring[this.next] = value;
    this.next++;
    if (this.next === this.size) {
      this.next = 0;
      // Re-add from scratch once per lap so subtraction error never accumulates.
      let exact = 0;
      for (let i = 0; i < this.size; i++) exact += ring[i]!;
      this.sum = exact;
    }
    if (this.count < this.size) this.count++;
    return this.count === this.size ? this.sum / this.size : Number.NaN;
  }
}
