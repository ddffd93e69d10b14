/**
 * `value`, which the caller knows is there: an index inside the array, a key
 * it has just set, a group its pattern always captures. Throws when it is
 * not, because then the caller is wrong (a programmer error, not a runtime
 * condition to handle).
 */
export function defined<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value, got ' + String(value));
  return value;
}
