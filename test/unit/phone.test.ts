/**
 * Residents' phone numbers: mainland mobiles with or without +86, other countries in E.164,
 * everything else refused; masks keep only the first three and last four digits.
 */
import { maskPhone, normalizePhone } from '../../src/api/phone';

test.each([
  ['13812345678', '+8613812345678'],
  ['138 1234 5678', '+8613812345678'],
  ['+86 138-1234-5678', '+8613812345678'],
  ['+85291234567', '+85291234567'],
  ['+14155552671', '+14155552671'],
])('%s is valid as %s', (input, e164) => {
  expect(normalizePhone(input)).toBe(e164);
});

test.each(['12345', '1381234567', '23812345678', 'phone', '+86 999', ''])('%s is refused', (input) => {
  expect(normalizePhone(input)).toBeUndefined();
});

test('masks', () => {
  expect(maskPhone('+8613812345678')).toBe('138****5678');
  expect(maskPhone('13812345678')).toBe('138****5678');
  expect(maskPhone('+14155552671')).toBe('415***2671');
  expect(maskPhone('12345')).toBe('*****');
});
