import { BadUserInputError, assertThat } from '../../errors';
import { decodeCursor, type CursorKey } from '../../security/cursor';

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
  exemptions: { default: 50, max: 200 },
  /** Roles and groups of one org are few. 200 a page keeps a page of both within the cost limit (graphql/limits.ts). */
  namedSets: { default: 100, max: 200 },
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

/** The Relay paging arguments of every connection: forward with first/after, backward with last/before. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Which way a page walks from its cursor, how many rows it returns, and the cursor (null: from the start or the end). */
export interface PageWindow {
  size: number;
  /** true for last/before: the rows are read in the reverse order, then turned back. */
  backward: boolean;
  cursor: string | null;
  /** The argument the cursor came in (`after` or `before`), for error messages. */
  cursorField: 'after' | 'before';
}

/**
 * Validates the paging arguments of a connection. A page walks one way: `first`/`after` forward
 * or `last`/`before` backward; any mix of the two is BAD_USER_INPUT (Relay allows after + before
 * together as a window; no client of ours needs it, and one direction keeps every page a single
 * index seek).
 */
export function pageWindow(args: PageArgs, limit: PageLimit): PageWindow {
  const forward = args.first != null || args.after != null;
  const backward = args.last != null || args.before != null;
  if (forward && backward) {
    throw new BadUserInputError(
      'Page forward with first/after or backward with last/before, not both.',
      args.last != null ? 'last' : 'before',
    );
  }
  if (backward) {
    return { size: pageSize(args.last, limit, 'last'), backward: true, cursor: args.before ?? null, cursorField: 'before' };
  }
  return { size: pageSize(args.first, limit, 'first'), backward: false, cursor: args.after ?? null, cursorField: 'after' };
}

/**
 * The id a list keyed by one integer column resumes from: null without a cursor, else the id the
 * signed cursor carries (BAD_USER_INPUT naming after/before when it is not this list's).
 */
export function decodeIdCursor(key: CursorKey, binding: string, w: PageWindow): number | null {
  if (w.cursor === null) {
    return null;
  }
  const p = decodeCursor(key, binding, w.cursor) as { id?: unknown } | null;
  assertThat(p && Number.isSafeInteger(p.id), () => new BadUserInputError(`${w.cursorField} is not a cursor of this list.`, w.cursorField));
  return p.id as number;
}

/** A flag or count computed only when a client selects it (GraphQL's default resolver calls a function property). */
export type Lazy<T> = T | (() => Promise<T>);

interface PageInfoView {
  hasNextPage: Lazy<boolean>;
  hasPreviousPage: Lazy<boolean>;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfoView;
  /** Whether rows follow the page in the direction it walked (hasNextPage forward, hasPreviousPage backward). */
  hasMore: boolean;
}

export interface ConnectionParts<R, T> {
  /** The node of a row, or null to leave the row out (its cursor still bounds the page). */
  node: (row: R) => T | null;
  cursor: (row: R) => string;
  /**
   * Whether any row lies beyond `row` against the walk (before it forward, after it backward):
   * the same seek the page ran, turned around, LIMIT 1. Run only when a client selects the flag.
   */
  behind: (row: R) => Promise<boolean>;
}

/**
 * A connection from the rows a keyset page read in its walk direction (up to size + 1: the extra
 * row only says that more follow). Backward pages are turned back into the list's order. The flag
 * against the walk is false without a cursor, true for an empty page after a cursor (the cursor's
 * own row lies behind), and otherwise one lazy probe. Edge cursors (an HMAC each) are computed
 * only when selected.
 */
export function connectionOf<R, T>(rows: R[], w: PageWindow, parts: ConnectionParts<R, T>): Connection<T> {
  const hasMore = rows.length > w.size;
  const walked = rows.slice(0, w.size);
  const head = walked[0];
  const behind: Lazy<boolean> = w.cursor === null ? false : head === undefined ? true : () => parts.behind(head);
  const inOrder = w.backward ? [...walked].reverse() : walked;
  const edges: Array<{ cursor: string; node: T }> = [];
  for (const row of inOrder) {
    const node = parts.node(row);
    if (node !== null) {
      let cursor: string | undefined;
      edges.push({
        node,
        get cursor() {
          return (cursor ??= parts.cursor(row));
        },
      });
    }
  }
  const first = inOrder[0];
  const last = inOrder[inOrder.length - 1];
  return {
    edges,
    nodes: edges.map((e) => e.node),
    hasMore,
    pageInfo: {
      hasNextPage: w.backward ? behind : hasMore,
      hasPreviousPage: w.backward ? hasMore : behind,
      startCursor: first === undefined ? null : parts.cursor(first),
      endCursor: last === undefined ? null : parts.cursor(last),
    },
  };
}
