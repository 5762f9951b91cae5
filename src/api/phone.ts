/**
 * Phone numbers of residents: validated and normalised to E.164 with libphonenumber-js (mainland
 * numbers may be typed without +86), and masked (138****5678) for whoever does not need to call.
 */
// The full metadata: the default (min) set judges by length alone and lets 10-digit mobiles through.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** E.164 form of a valid number (mainland China by default), or undefined if it is not one. */
export function normalizePhone(input: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input.trim(), 'CN');
  return parsed?.isValid() ? parsed.number : undefined;
}

/** Keeps the first three and last four digits of the national number: `138****5678`. */
export function maskPhone(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone, 'CN');
  const digits = parsed ? parsed.nationalNumber : phone.replace(/\D/g, '');
  if (digits.length <= 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
