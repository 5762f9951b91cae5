// i18n-exempt-file: GeoReport v2 error descriptions are for the integrating developer, in English.
/**
 * Turns the arguments of a GeoReport v2 `POST requests` into the body of a case submission, the
 * same body `POST /api/v1/cases` takes, so both front doors build cases with `buildCaseInput`.
 */
import type { TFunction } from 'i18next';
import type { Reporter } from '../../domain/case-model';
import type { OrgTree, RoutingFailure } from '../../domain/org-tree';
import type { Locale } from '../../domain/vocabulary';
import { translator } from '../../i18n';
import type { SubmitCaseBody } from '../schemas/cases';
import type { AnsweredAttribute } from './attributes';
import type { PostRequestArgs } from './schemas';

const HAN_NAME = /^[\p{Script=Han}·]+$/u;

/** The reporter's name: Chinese names are family name first without a space (张 + 三 = 张三). */
export function reporterName(firstName: string | undefined, lastName: string | undefined): string | undefined {
  if (firstName === undefined && lastName === undefined) return undefined;
  const chinese = [firstName, lastName].every((part) => part === undefined || HAN_NAME.test(part));
  return chinese ? `${lastName ?? ''}${firstName ?? ''}` : [firstName, lastName].filter((part) => part !== undefined).join(' ');
}

/** The reporter as a case keeps it, or undefined when the client sent nothing about them. */
export function reporterOf(args: PostRequestArgs): Reporter | undefined {
  const reporter = { name: reporterName(args.first_name, args.last_name), phone: args.phone, email: args.email };
  return Object.values(reporter).some((value) => value !== undefined) ? reporter : undefined;
}

/**
 * The case description the grid worker reads: what the reporter wrote (the service name when
 * they wrote nothing), then the attribute answers and the media link, which a case has no
 * fields for. The Open311 `description` stays what the client sent (kept in the case's facts).
 */
export function caseDescriptionOf(
  t: TFunction,
  serviceName: string,
  description: string | undefined,
  answers: readonly AnsweredAttribute[],
  mediaUrl: string | undefined,
): string {
  const details = answers.map(({ label, answer }) => t('open311.detail_line', { label, value: answer }));
  if (mediaUrl !== undefined) details.push(t('open311.detail_line', { label: t('open311.media'), value: mediaUrl }));
  const text = description ?? serviceName;
  return details.length === 0 ? text : [text, '', t('open311.details_heading'), ...details].join('\n');
}

/**
 * The grid of the place: by lat/long first, then by address_string when the position lies in no
 * grid (a client's map pin can be off while the typed address is right). Errors name the
 * arguments at fault.
 */
export function gridOf(org: OrgTree, args: PostRequestArgs): { gridId: string } | { errors: string[] } {
  const hasPosition = args.lat !== undefined && args.long !== undefined;
  if ((args.lat === undefined) !== (args.long === undefined)) return { errors: ['lat, long: both must be sent'] };
  if (!hasPosition && args.address_string === undefined) {
    return {
      errors: [
        args.address_id === undefined
          ? 'lat & long or address_string: a location is required'
          : 'address_id: not supported by this endpoint; send lat & long or address_string',
      ],
    };
  }
  const errors: string[] = [];
  if (hasPosition) {
    const routed = org.route({ location: { lat: args.lat!, lng: args.long! } });
    if ('grid' in routed) return { gridId: routed.grid.id };
    errors.push(`lat, long: ${developerText(routed.failure)}`);
  }
  if (args.address_string !== undefined) {
    const routed = org.route({ address: args.address_string });
    if ('grid' in routed) return { gridId: routed.grid.id };
    errors.push(`address_string: ${developerText(routed.failure)}`);
  }
  return { errors };
}

/** Open311 error descriptions are for the integrating developer: the English catalog's words. */
function developerText(failure: RoutingFailure): string {
  return translator('en')(failure.key, failure.values);
}

/** The case submission for `gridId`. */
export function submitBodyOf(args: PostRequestArgs, category: string, gridId: string, description: string, lang: Locale): SubmitCaseBody {
  return {
    category,
    description,
    gridId,
    address: args.address_string,
    location: args.lat !== undefined && args.long !== undefined ? { lat: args.lat, lng: args.long } : undefined,
    reporter: reporterOf(args),
    lang,
  };
}
