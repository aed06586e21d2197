/**
 * Results of a pure function by key, at most `max` of them (all dropped when full): for values
 * derived again and again from the same state, such as a report's placed ranges or a blob's
 * digest, where a run has a handful of distinct keys.
 */
export class BoundedCache<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K, derive: (key: K) => V): V {
    let v = this.values.get(key);
    if (v === undefined) {
      if (this.values.size >= this.max) this.values.clear();
      this.values.set(key, (v = derive(key)));
    }
    return v;
  }
}
