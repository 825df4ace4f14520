/**
 * Whether `value` holds only what JSON carries as itself: null, booleans, finite numbers (not -0),
 * strings, dense arrays and plain objects of those. superjson answers such a value `{ json: value }`
 * with no meta, so the walk it makes to find Dates, bigints, undefined and the like can be skipped
 * (a few microseconds on every small answer, such as health.check's).
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key in value) {
    if (key === '__proto__' || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
