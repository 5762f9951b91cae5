/**
 * Timeline entries and records omit absent fields, so workflow histories and API answers stay small.
 */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
