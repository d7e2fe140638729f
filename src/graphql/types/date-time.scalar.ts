import { GraphQLScalarType, Kind } from 'graphql';
import { parseDateTime } from '../../db/instant';

/**
 * Every date-time of the API. Output: ISO 8601 in UTC; exact times (the sync feeds' `at`,
 * `mfaOptOutUntil`) carry six fraction digits, others three. Input: exactly as given, to the
 * microsecond (an Instant, src/db/instant.ts), with a time zone required so nothing is read in the
 * server's local time.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTimeISO',
  description:
    'An ISO 8601 date-time, e.g. 2026-12-02T06:05:53.009123Z. Output is UTC; exact times (sync feed `at`, `mfaOptOutUntil`) have six fraction digits, others three. Input needs a time zone (Z or ±hh:mm) and keeps up to microseconds, as given.',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) {
      return value.toISOString();
    }
    throw new TypeError('DateTimeISO cannot represent a value that is not a valid Date.');
  },
  parseValue(value) {
    if (typeof value !== 'string') {
      throw new TypeError('DateTimeISO must be a string such as 2026-12-31T23:00:00Z.');
    }
    return parseOrTypeError(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new TypeError('DateTimeISO must be a string such as 2026-12-31T23:00:00Z.');
    }
    return parseOrTypeError(ast.value);
  },
});

function parseOrTypeError(text: string): Date {
  try {
    return parseDateTime(text, 'DateTimeISO');
  } catch (e) {
    throw new TypeError((e as Error).message);
  }
}
