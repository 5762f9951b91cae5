/**
 * The shape every catalog has: exactly the keys of zh-CN (the first language), with any text. In
 * its own module so that a catalog can be typed by it without importing the module that loads
 * the catalogs into i18next.
 */
import type { zhCN } from './zh-CN';

/** The keys of `T`, each text widened to any string. */
type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** A catalog: the keys of zh-CN, with any text. */
export type Catalog = Widen<typeof zhCN>;
