import { BadUserInputError, assertThat } from '../../errors';
import type { MemberSortField, SortDirection } from './member-query';

/** The legacy REST page and the CSV export sort with `field[,asc|desc]` (Spring style). */
const LEGACY_SORT: ReadonlyMap<string, MemberSortField> = new Map([
  ['lastname', 'LAST_NAME'],
  ['name', 'LAST_NAME'],
  ['email', 'EMAIL'],
  ['lastloginat', 'LAST_LOGIN_AT'],
  ['createdat', 'CREATED_AT'],
]);

/** `lastName,desc` → { LAST_NAME, DESC }; BAD_USER_INPUT for anything else. */
export function parseLegacySort(sort: string | null | undefined): { field: MemberSortField; direction: SortDirection } | null {
  if (!sort) {
    return null;
  }
  const [f, d = 'asc'] = sort.split(',').map((x) => x.trim().toLowerCase());
  // A Map, not an object: `sort=__proto__` or `sort=constructor` must not find Object.prototype members.
  const field = LEGACY_SORT.get(f);
  assertThat(
    field && (d === 'asc' || d === 'desc'),
    () => new BadUserInputError('sort must be field[,asc|desc] with field lastName, email, lastLoginAt or createdAt.', 'sort'),
  );
  return { field, direction: d === 'asc' ? 'ASC' : 'DESC' };
}
