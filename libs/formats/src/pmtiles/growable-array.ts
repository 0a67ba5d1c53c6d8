type NumericArray = Float64Array | Uint32Array;

/** An append-only typed array that doubles when full; `values` is valid for indexes below `length`. */
export class GrowableArray<T extends NumericArray> {
  length = 0;

  constructor(
    public values: T,
    private readonly allocate: (capacity: number) => T,
  ) {}

  static float64(capacity = 4096): GrowableArray<Float64Array> {
    return new GrowableArray(new Float64Array(capacity), (size) => new Float64Array(size));
  }

  static uint32(capacity = 4096): GrowableArray<Uint32Array> {
    return new GrowableArray(new Uint32Array(capacity), (size) => new Uint32Array(size));
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = this.allocate(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length] = value;
    this.length += 1;
  }
}
