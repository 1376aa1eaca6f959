/**
 * Maps keyed by user strings (column names, arm names, ids, cost categories). A plain `{}`
 * inherits `constructor`, `toString`, … and treats `__proto__` as its prototype, so a column
 * named `constructor` would read as the `Object` function and one named `__proto__` would
 * vanish. Where the public result is a JSON-shaped object (`nGroups`, `costs`, `byArm`), it is
 * made without a prototype; where a user passes one in (`options.levels`), only its own keys
 * are read.
 */

// The prototype of every dict: empty, prototype-free and frozen. (An object made by
// `Object.create(null)` itself is kept by V8 in slow dictionary mode; one whose prototype is
// this object stays fast, and still inherits nothing.)
const NOTHING: object = Object.freeze(Object.create(null) as object);

/** An empty object that inherits nothing, safe to key by any string (`__proto__` included). */
export function dict<T>(): Record<string, T> {
  return Object.create(NOTHING) as Record<string, T>;
}

/** A prototype-free object from entries (as `Object.fromEntries`, but safe for any key). */
export function dictFrom<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = dict<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** The value of `key` only if `obj` has it as its own property (never an inherited one). */
export function own<T>(obj: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return obj !== null && obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Whether `value`'s prototype is that of a plain object, of a {@link dict}, or none. */
export function hasPlainPrototype(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || proto === NOTHING;
}

/**
 * Set `key` on a plain object as an own, enumerable property, whatever the key: plain
 * assignment of `__proto__` would replace the prototype instead. For public results that
 * must be plain objects (JSON-shaped, `Object.prototype`) yet are keyed by user strings.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}
