import { BadUserInputError } from '../../errors';

/** How many rows a caller may ask for at once, per kind of list, and the default. */
export interface PageLimit {
  default: number;
  max: number;
}

/**
 * Every page limit of the API in one place (docs/product.md §3: `first` is at most 200 on the
 * member list). The legacy offset page shares the member limit; the sync feeds are read by
 * machines and take larger pages.
 */
export const PAGE_LIMITS = {
  members: { default: 50, max: 200 },
  audit: { default: 50, max: 200 },
  roleFeeds: { default: 100, max: 500 },
  /** Roles and groups of one org are few; the lists are capped all the same. */
  namedSets: { default: 1000, max: 1000 },
} as const satisfies Record<string, PageLimit>;

/** The legacy OFFSET page refuses to skip more rows than this (OFFSET cost grows with depth). */
export const LEGACY_MAX_OFFSET = 10_000;

/** Validates a page size (`first`, `size`) against its limit: 1..max, default when absent; else BAD_USER_INPUT naming the field. */
export function pageSize(value: number | null | undefined, limit: PageLimit, field = 'first'): number {
  if (value === null || value === undefined) {
    return limit.default;
  }
  if (!Number.isInteger(value) || value < 1 || value > limit.max) {
    throw new BadUserInputError(`${field} must be between 1 and ${limit.max}.`, field);
  }
  return value;
}
