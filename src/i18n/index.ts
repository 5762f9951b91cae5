/**
 * Message catalogs (zh-CN first, en second) behind i18next. All user-facing text comes from here.
 */
import i18next, { type TFunction } from 'i18next';
import type { Locale } from '../domain/vocabulary';
import type { Catalog } from './catalog';
import { en } from './en';
import { zhCN } from './zh-CN';

/** Every catalog by language. */
export const CATALOGS: Record<Locale, Catalog> = { 'zh-CN': zhCN, en };

const instance = i18next.createInstance();
void instance.init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  supportedLngs: ['zh-CN', 'en'],
  // Escaping is the renderer's job (HTML vs plain text), not the catalog's.
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
  showSupportNotice: false,
});

/** The translate function for one language. */
export function translator(locale: Locale): TFunction {
  return instance.getFixedT(locale);
}

/** Picks a supported locale from a free-form tag (`en-US` → `en`, anything else → zh-CN). */
export function toLocale(tag: string | undefined, fallback: Locale = 'zh-CN'): Locale {
  if (!tag) return fallback;
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return fallback;
}

/** True when `key` names a text in the catalogs (for keys that arrive from outside, such as a workflow's refusal). */
export function hasMessage(key: string): boolean {
  return instance.exists(key);
}
