/**
 * The notify activity: resolves recipients, renders each message in the recipient's language and
 * delivers it through the channel. Recipients already served are remembered in heartbeat details,
 * so a retry after a partial failure does not write to them again.
 */
import { Context } from '@temporalio/activity';
import type { NotificationRequest } from '../domain/notification';
import type { OrgTree } from '../domain/org-tree';
import type { LocalizedName } from '../domain/org-types';
import type { Locale } from '../domain/vocabulary';
import { toLocale, translator } from '../i18n';
import type { NotificationChannel } from '../notifications/channel';
import { renderNotification } from '../notifications/render';
import { deliveryFailuresTotal, escalationsTotal, notificationsTotal, obligationMissesTotal } from '../metrics/registry';

/** What notifying reads of the city's settings: category names, its zone, and the language residents get by default. */
export interface NotifySettings {
  categories: readonly { id: string; name: LocalizedName }[];
  city: { timeZone: string; defaultLocale: Locale };
}

export interface NotifyDeps {
  /** The city's settings (a GridflowConfig has them). */
  config: NotifySettings;
  org: OrgTree;
  channel: NotificationChannel;
  /** Base URL of the API for links in e-mails, e.g. `https://gridflow.example.org`. */
  publicUrl?: string | undefined;
  /** Domain part of Message-IDs. */
  messageIdDomain?: string | undefined;
}

interface Recipient {
  key: string;
  address: string;
  name: string;
  /** For channels that text rather than mail (SMS); from the staff directory. */
  phone?: string | undefined;
  locale: Locale;
  staff: boolean;
}

export function createNotifyActivity(deps: NotifyDeps) {
  const { config, org } = deps;
  const categoryNames = new Map(config.categories.map((category) => [category.id, category.name]));

  function recipientsOf(request: NotificationRequest): Recipient[] {
    const staffIds = new Set(request.staffIds ?? []);
    if (request.supervisorsOf) for (const person of org.supervisorsOf(request.supervisorsOf)) staffIds.add(person.id);
    const recipients: Recipient[] = [...staffIds].flatMap((id) => {
      const person = org.staff(id);
      return person ? [{ key: person.id, address: person.email, name: person.name, phone: person.phone, locale: person.locale, staff: true }] : [];
    });
    if (request.resident) {
      recipients.push({
        key: 'resident',
        address: request.resident.email,
        name: request.resident.name ?? '',
        locale: toLocale(request.resident.locale, config.city.defaultLocale),
        staff: false,
      });
    }
    return recipients;
  }

  return {
    /** Delivers one notification to every recipient; throws (and is retried) if any delivery failed. */
    async notify(request: NotificationRequest): Promise<{ delivered: string[] }> {
      const context = activityContext();
      const done = new Set<string>((context?.info.heartbeatDetails as string[] | undefined) ?? []);
      const failures: string[] = [];
      for (const recipient of recipientsOf(request)) {
        if (done.has(recipient.key)) continue;
        const rendered = renderNotification(request, {
          locale: recipient.locale,
          timeZone: config.city.timeZone,
          recipientName: recipient.name || translator(recipient.locale)('actor.resident'),
          categoryName: (id) => nameIn(categoryNames.get(id), recipient.locale) ?? id,
          unitName: (id) => nameIn(org.unit(id)?.name, recipient.locale) ?? id,
          staffName: (id) => org.person(id)?.name ?? id,
          caseUrl:
            recipient.staff && deps.publicUrl && request.facts ? `${deps.publicUrl}/dashboard#/cases/${encodeURIComponent(request.facts.caseId)}` : undefined,
        });
        try {
          await deps.channel.deliver({
            messageId: `<${request.messageId}.${recipient.key}@${deps.messageIdDomain ?? 'gridflow.local'}>`,
            to: { address: recipient.address, name: recipient.name || undefined, phone: recipient.phone },
            ...rendered,
          });
          done.add(recipient.key);
          context?.heartbeat([...done]);
        } catch (error) {
          deliveryFailuresTotal.inc({ channel: deps.channel.name });
          // i18n-exempt: the activity's failure, for operators and Temporal's retry log.
          failures.push(`${recipient.key}: ${(error as Error).message}`);
        }
      }
      if (failures.length > 0) throw new Error(`delivery failed for ${failures.join('; ')}`);
      countDelivered(request);
      return { delivered: [...done] };
    },
  };
}

/**
 * Counts a notification once it reached everyone (a retried activity completes once), and the
 * events it announces: every escalation and every missed contact period sends exactly one.
 */
function countDelivered(request: NotificationRequest): void {
  notificationsTotal.inc({ template: request.template });
  if (request.template === 'case_escalated') escalationsTotal.inc({ kind: 'case', level: request.facts?.level ?? 'unknown' });
  if (request.template === 'mediation_escalated') escalationsTotal.inc({ kind: 'mediation', level: request.facts?.level ?? 'unknown' });
  if (request.template === 'obligation_missed') obligationMissesTotal.inc();
}

function nameIn(name: { 'zh-CN': string; en?: string | undefined } | undefined, locale: Locale): string | undefined {
  if (!name) return undefined;
  return locale === 'en' ? (name.en ?? name['zh-CN']) : name['zh-CN'];
}

/** The activity context when running inside a worker; undefined when called directly in a unit test. */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
