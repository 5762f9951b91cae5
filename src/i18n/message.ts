/**
 * A message that is translated where it is shown, not where it arises: domain rules and API
 * checks return a catalog key and its values, and the API renders them in the caller's language.
 * Workflows can therefore refuse a step without knowing who will read the refusal.
 */
import type { zhCN } from './zh-CN';

/** Every `dotted.path` to a text in a catalog of shape `T`. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every key of the catalogs. */
export type CatalogKey = Leaves<typeof zhCN>;
/** Why a workflow refused a step (409/403). */
export type RefusalKey = Extract<CatalogKey, `refusal.${string}`>;
/** A problem+json `detail`. */
export type DetailKey = Extract<CatalogKey, `detail.${string}`>;
/** A field-level message of a problem. */
export type FieldKey = Extract<CatalogKey, `field.${string}`>;

/** Values interpolated into a message; ISO instants among them are shown in the city's local time. */
export type MessageValues = Readonly<Record<string, string | number>>;

/** A catalog key with its values. */
export interface Message<K extends CatalogKey = DetailKey | RefusalKey | FieldKey> {
  key: K;
  values?: MessageValues;
}

/** Shorthand for a message. */
export function message<K extends CatalogKey>(key: K, values?: MessageValues): Message<K> {
  return values === undefined ? { key } : { key, values };
}
