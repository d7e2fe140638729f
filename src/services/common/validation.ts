import { BadUserInputError } from '../../errors';

const EMAIL =
  /^[^\s@"'<>()[\]\\,;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const BCP47 = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/**
 * What a name may not hold: C0 and C1 control characters,
 * the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069: U+202E
 * makes "Eve\u202Enimda" display as "Eveadmin" in an admin's list), lone surrogates (not text),
 * and U+FFFD, the mark of bytes that were not valid UTF-8 somewhere before us.
 */
// eslint-disable-next-line no-control-regex
const NOT_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffd]|\p{Cs}/u;

/**
 * A name (people, orgs, roles, groups): trimmed, NFC-normalised (so "é" typed as e + U+0301 and
 * as U+00E9 is one name, sorts and searches as one), non-empty, bounded, and free of control,
 * bidi-override and replacement characters.
 */
export function cleanName(value: string, field: string, max = 100): string {
  const v = typeof value === 'string' ? value.normalize('NFC').trim() : '';
  if (!v || v.length > max) {
    throw new BadUserInputError(`${field} must be 1 to ${max} characters.`, field);
  }
  if (NOT_IN_NAMES.test(v)) {
    throw new BadUserInputError(
      `${field} may not contain control characters, bidirectional override or isolate characters, or U+FFFD.`,
      field,
    );
  }
  return v;
}

export function cleanEmail(value: string, field = 'email'): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if (v.length > 254 || !EMAIL.test(v)) {
    throw new BadUserInputError('Not a valid email address.', field);
  }
  return v;
}

export function cleanLanguage(value: string, field = 'language'): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if (v.length > 35 || !BCP47.test(v)) {
    throw new BadUserInputError('language must be a BCP 47 tag such as en-US.', field);
  }
  return v;
}

export function cleanSlug(value: string, field = 'slug'): string {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!SLUG.test(v)) {
    throw new BadUserInputError('slug must be 1 to 64 lower-case letters, digits or dashes.', field);
  }
  return v;
}

export function cleanExternalRef(value: string | null, field = 'externalRef'): string | null {
  if (value === null) {
    return null;
  }
  const v = typeof value === 'string' ? value.trim() : '';
  if (!v || v.length > 191 || CONTROL.test(v)) {
    throw new BadUserInputError('externalRef must be 1 to 191 characters without control characters.', field);
  }
  return v;
}
