/**
 * The language and time zone an answer is written in. Language: the request's Accept-Language
 * when it names one we have, else the signed-in staff member's configured language, else the
 * city's default (zh-CN for the demo city). Zone: the city's, from the config.
 */
import type { Application, Request } from 'express';
import type { GridflowConfig } from '../config/schema';
import type { Locale } from '../domain/vocabulary';
import { toLocale } from '../i18n';

/** What createApp records on `app.locals` for answers written outside a route's closure. */
interface LocaleSettings {
  defaultLocale: Locale;
  timeZone: string;
}

const SETTINGS = 'gridflowLocale';
/** Used before createApp ran (unit tests of single handlers): the demo city's settings. */
const FALLBACK: LocaleSettings = { defaultLocale: 'zh-CN', timeZone: 'Asia/Shanghai' };

/** Records the city's default language and zone on the app. */
export function installLocaleSettings(app: Application, config: GridflowConfig): void {
  const settings: LocaleSettings = { defaultLocale: config.city.defaultLocale, timeZone: config.city.timeZone };
  app.locals[SETTINGS] = settings;
}

function settingsOf(req: Request): LocaleSettings {
  return (req.app.locals[SETTINGS] as LocaleSettings | undefined) ?? FALLBACK;
}

/** The language to answer `req` in. */
export function requestLocale(req: Request): Locale {
  if (req.get('accept-language')) {
    const accepted = req.acceptsLanguages('zh-CN', 'zh', 'en');
    if (accepted) return toLocale(accepted);
  }
  const principal = req.principal;
  if (principal?.kind === 'staff') return principal.staff.locale;
  return settingsOf(req).defaultLocale;
}

/** The city's IANA time zone, for times shown to people. */
export function cityTimeZone(req: Request): string {
  return settingsOf(req).timeZone;
}
