/**
 * Renders a notification for one recipient in their language, as plain text and as HTML with
 * every user-supplied value escaped.
 */
import { isSystemReason } from '../domain/system-reasons';
import escapeHtml from 'escape-html';
import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import type { TimelineEntry } from '../domain/case-model';
import type { NotificationRequest } from '../domain/notification';
import type { Locale } from '../domain/vocabulary';
import { translator } from '../i18n';

/** Names the renderer needs from the directory, in the recipient's language. */
export interface RenderContext {
  locale: Locale;
  timeZone: string;
  recipientName: string;
  categoryName: (id: string) => string;
  unitName: (id: string) => string;
  staffName: (id: string) => string;
  /** Link to the case for staff, when a public URL is configured. */
  caseUrl?: string | undefined;
}

export interface RenderedText {
  subject: string;
  text: string;
  html: string;
}

/** Shows an instant in the city's zone with its offset, e.g. `2026-11-27 14:30 (UTC+8)`. */
export function formatLocalTime(isoTime: string, timeZone: string): string {
  const local = DateTime.fromISO(isoTime, { setZone: true }).setZone(timeZone);
  return `${local.toFormat('yyyy-MM-dd HH:mm')} (UTC${local.toFormat('Z')})`;
}

export function renderNotification(request: NotificationRequest, ctx: RenderContext): RenderedText {
  const t = translator(ctx.locale);
  const { facts, obligation } = request;
  const local = (value: string | number | undefined) =>
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)
      ? formatLocalTime(value, ctx.timeZone)
      : isSystemReason(String(value))
        ? t(String(value))
        : String(value ?? '');
  const previous = request.timeline?.filter((entry) => entry.type === 'escalated').at(-1)?.details?.from as { level?: string } | undefined;
  const values: Record<string, string> = {
    caseId: facts?.caseId ?? '',
    category: facts ? ctx.categoryName(facts.category) : '',
    unit: ctx.unitName(facts?.unitId ?? obligation?.unitId ?? ''),
    fromLevel: previous?.level ? t(`level.${previous.level}`) : '',
    obligee: obligation ? ctx.staffName(obligation.obligeeId) : '',
    period: obligation?.periodKey ?? '',
    periodEndsAt: obligation ? local(obligation.periodEndsAt) : '',
    required: String(obligation?.required ?? ''),
    contacts: String(obligation?.contacts ?? ''),
    missedInARow: String(obligation?.missedInARow ?? ''),
    ...Object.fromEntries(Object.entries(request.extra ?? {}).map(([key, value]) => [key, local(value)])),
  };
  const subject = t(`mail.${request.template}.subject`, values);
  const body = t(`mail.${request.template}.body`, values);
  const row = (label: string, value: string): [string, string] => [t(`mail.facts.${label}`), value];
  const facts_: [string, string][] = facts
    ? [
        row('case', facts.caseId),
        row('category', ctx.categoryName(facts.category)),
        row('priority', t(`priority.${facts.priority}`)),
        row('unit', ctx.unitName(facts.unitId)),
        row('level', t(`level.${facts.level}`)),
        ...(facts.dueAt ? [row('dueAt', local(facts.dueAt))] : []),
        ...(facts.address ? [row('address', facts.address)] : []),
        row('description', facts.description),
      ]
    : obligation
      ? [
          row('obligee', values.obligee!),
          row('contactUnit', values.unit!),
          row('period', obligation.periodKey),
          row('periodEndsAt', values.periodEndsAt!),
          row('contacts', `${obligation.contacts} / ${obligation.required}`),
        ]
      : [];
  const history = (request.timeline ?? []).map((entry) => describeEntry(entry, ctx, t, local));
  const greeting = t('mail.greeting', { name: ctx.recipientName });
  const footer = t('mail.footer');

  const text = [
    greeting,
    '',
    body,
    '',
    ...facts_.map(([label, value]) => `${label}: ${value}`),
    ...(history.length > 0 ? ['', `${t('mail.facts.history')}:`, ...history.map((line) => `- ${line}`)] : []),
    ...(ctx.caseUrl ? ['', `${t('mail.facts.link')}: ${ctx.caseUrl}`] : []),
    '',
    footer,
  ].join('\n');

  const e = escapeHtml;
  const html = [
    `<!doctype html><html lang="${e(ctx.locale)}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a">',
    `<p>${e(greeting)}</p>`,
    `<p>${e(body)}</p>`,
    '<table style="border-collapse: collapse">',
    ...facts_.map(
      ([label, value]) =>
        `<tr><th style="text-align: left; padding: 2px 12px 2px 0; vertical-align: top">${e(label)}</th><td style="white-space: pre-wrap">${e(value)}</td></tr>`,
    ),
    '</table>',
    ...(history.length > 0 ? [`<h3>${e(t('mail.facts.history'))}</h3><ol>`, ...history.map((line) => `<li>${e(line)}</li>`), '</ol>'] : []),
    ...(ctx.caseUrl ? [`<p><a href="${e(ctx.caseUrl)}">${e(t('mail.facts.link'))}</a></p>`] : []),
    `<p style="color: #555; font-size: 0.9em">${e(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

function describeEntry(entry: TimelineEntry, ctx: RenderContext, t: TFunction, local: (value: string) => string): string {
  const who = entry.actor.kind === 'staff' ? ctx.staffName(entry.actor.id) : t(`actor.${entry.actor.kind}`);
  const what = t(`event.${entry.type}`, { defaultValue: entry.type });
  const note = isSystemReason(entry.note) ? t(entry.note) : entry.note;
  return `${local(entry.at)} ${what} · ${ctx.unitName(entry.unitId)} · ${who}${note ? ` · ${note}` : ''}`;
}
