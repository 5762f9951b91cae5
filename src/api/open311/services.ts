/**
 * GeoReport v2 services: each configured service category not hidden from Open311 is a service
 * whose code is the category id, with the attributes of its service definition from the config.
 */
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { Category, GridflowConfig, open311AttributeSchema } from '../../config/schema';
import type { Locale } from '../../domain/vocabulary';
import type { Open311Value } from './format';

/** An attribute of a service definition, as configured. */
export type Open311Attribute = z.infer<typeof open311AttributeSchema>;

type LocalizedName = Category['name'];

/** A configured name in `locale`; en falls back to zh-CN. */
export function localName(name: LocalizedName, locale: Locale): string {
  return locale === 'en' ? (name.en ?? name['zh-CN']) : name['zh-CN'];
}

/**
 * The categories offered as services, in config order. Disputes never are: mediation needs the
 * parties and their consent, which GeoReport v2 cannot carry, and it is confidential, so their
 * cases are not published either.
 */
export function open311Services(config: GridflowConfig): Category[] {
  return config.categories.filter((category) => category.kind === 'service' && category.open311?.enabled !== false);
}

/** The attributes of a service, in the order they are asked. */
export function serviceAttributes(category: Category): Open311Attribute[] {
  return category.open311?.attributes ?? [];
}

/**
 * One entry of `services.{format}`. `keywords` adds the names in the other language to the
 * configured synonyms, so a client searching in either language finds the service.
 */
export function serviceEntry(category: Category, locale: Locale): Open311Value {
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  const keywords = [...(category.open311?.keywords ?? []), localName(category.name, other), ...(category.group ? [localName(category.group, other)] : [])];
  return {
    service_code: category.id,
    service_name: localName(category.name, locale),
    description: localName(category.description ?? category.name, locale),
    metadata: serviceAttributes(category).length > 0,
    // realtime: the case is created synchronously, so the id is in the POST answer.
    type: 'realtime',
    keywords: [...new Set(keywords)].join(', '),
    group: localName(category.group ?? category.name, locale),
  };
}

/** `services/{code}.{format}`: the service definition. */
export function serviceDefinition(category: Category, locale: Locale, t: TFunction): Open311Value {
  return {
    service_code: category.id,
    attributes: serviceAttributes(category).map((attribute, index) => ({
      variable: attribute.variable,
      code: attribute.code,
      datatype: attribute.datatype,
      required: attribute.required,
      datatype_description: attribute.datatypeDescription ? localName(attribute.datatypeDescription, locale) : t(`open311.datatype.${attribute.datatype}`),
      order: index + 1,
      description: localName(attribute.description, locale),
      values: attribute.datatype.endsWith('valuelist') ? attribute.values.map((value) => ({ key: value.key, name: localName(value.name, locale) })) : undefined,
    })),
  };
}
