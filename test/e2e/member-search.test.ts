import type { Org } from '../../src/entities';
import { rawQuery } from '../../src/db/raw';
import { backfillSearchPrefixes, searchPrefixRows } from '../../src/services/members/member-keys';
import { likePrefix, memberPageSql, seekOf, type MemberQuery, type SearchPlan, type Seek } from '../../src/services/members/member-query';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  testDbKind,
  type GqlResponse,
  type Principal,
  type TestApp,
  type TestMember,
  startTestApp,
} from '../support/harness';
import { ACTIVATE, CONFIRM_EMAIL, CREATE_USER, DELETE_USER, UPDATE_USER, mailedToken } from '../support/accounts';

/**
 * The search index (member_search_prefixes) answers exactly what the plain prefix predicates on
 * the membership row answer — nameKey / fullNameKey and, for admins only, emailKey — for many
 * prefixes of every length, every order and several filters, page by page; and it stays so
 * after renames, email changes, deletions and accepted invitations.
 */

const PAGE = `query($first: Int, $after: String, $search: String, $filter: UserFilter, $orderBy: UserOrder) {
  users(first: $first, after: $after, search: $search, filter: $filter, orderBy: $orderBy) {
    nodes { id }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
type Page = { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number };

const FIELDS = ['LAST_NAME', 'EMAIL', 'LAST_LOGIN_AT', 'CREATED_AT'] as const;
const COLUMN: Record<(typeof FIELDS)[number], string> = {
  LAST_NAME: 'nameKey',
  EMAIL: 'emailKey',
  LAST_LOGIN_AT: 'lastLoginAt',
  CREATED_AT: 'createdAt',
};
type Filter = Record<string, boolean>;
const FILTERS: Filter[] = [{}, { isActive: true }, { isActive: false }, { allAccess: true }, { mfaOptOut: false }];

const NAMES: Array<[string, string, string]> = [
  // first, last, local part of the email (often unlike the names: an email prefix must be admin-only)
  ['Mary', 'Martinez', 'mary.m'],
  ['Mark', 'Martin', 'zeta'],
  ['Maria', 'Marsh', 'mm'],
  ['Martha', 'Smith', 'martha'],
  ['Marcus', 'Ma', 'x1'],
  ['Ma', 'Marco', 'mar'],
  ['Lee Ann', 'Leeds', 'lee'],
  ['Lee', 'Ann', 'ann.lee'],
  ['John', 'Smith', 'js'],
  ['Johnny', 'Smithers', 'johnny'],
  ['Jon', 'Smit', 'smit'],
  ['Anna', 'van der Berg', 'vdb'],
  ['Hans', 'de la Cruz', 'hans'],
  ['Percent', '100% Real', 'pct'],
  ['Hundred', '100x Fake', 'hx'],
  ['Under', 'a_b', 'u1'],
  ['Under', 'axb', 'u2'],
  ['Back', 'Back\\slash', 'b1'],
  ['Back', 'Backxslash', 'b2'],
  ['John', "O'Neil", 'oneil'],
  ['Same', 'Name', 'same1'],
  ['Same', 'Name', 'same2'],
  ['Same', 'Name', 'same3'],
  ['Kasia', 'Kowalski', 'kk'],
  ['Zed', 'Zzyzx', 'a.z'],
  ['Émile', 'Zola', 'emile'],
  ['Zoë', 'Åberg', 'zoe'],
  ['Łukasz', 'Nowak', 'lukasz'],
  ['Alexander', 'Hamilton-Smith', 'alex'],
  ['X', 'Y', 'xy'],
];

describe(`member search index (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  let member: Principal;
  const people: TestMember[] = [];
  const mysql = testDbKind() === 'mysql';

  const sql = <T = Record<string, unknown>>(text: string, params: Record<string, unknown> = {}): Promise<T[]> =>
    rawQuery<T>(app.ds.manager, text, params);

  /** The previous search semantics, straight on the membership rows: prefix predicates, filters, order. */
  const reference = async (term: string, withEmail: boolean, field: (typeof FIELDS)[number], dir: string, filter: Filter) => {
    const t = term.trim().toLowerCase();
    const keys = ['nameKey', 'fullNameKey', ...(withEmail ? ['emailKey'] : [])];
    const match = mysql ? (k: string) => `${k} LIKE :like ESCAPE '!'` : (k: string) => `${k} >= :lo AND ${k} < :hi`;
    const where = [`orgId = :org`, `(${keys.map(match).join(' OR ')})`];
    for (const [k, v] of Object.entries(filter)) {
      where.push(`${k} = ${v ? 1 : 0}`);
      if (k === 'isActive') {
        where.push("status = 'active'");
      }
    }
    const rows = await sql<{ userId: number }>(
      `SELECT userId FROM memberships WHERE ${where.join(' AND ')} ORDER BY ${COLUMN[field]} ${dir}, userId ${dir}`,
      { org: org.id, like: likePrefix(t), lo: t, hi: t + '\u{10FFFF}' },
    );
    return rows.map((r) => String(r.userId));
  };

  /** Every page of a search, `first` rows at a time, through the cursor. */
  const walk = async (p: Principal, vars: Record<string, unknown>, first: number): Promise<{ ids: string[]; total: number }> => {
    const ids: string[] = [];
    let after: string | null = null;
    let total = -1;
    for (let i = 0; i < 200; i++) {
      const r: GqlResponse<{ users: Page }> = await p.gql<{ users: Page }>(PAGE, { ...vars, first, after });
      expect(r.errors).toBeUndefined();
      ids.push(...r.data!.users.nodes.map((n) => n.id));
      total = r.data!.users.totalCount;
      if (!r.data!.users.pageInfo.hasNextPage) {
        return { ids, total };
      }
      after = r.data!.users.pageInfo.endCursor;
    }
    throw new Error('walk did not end');
  };

  /** Search terms: every 1- and 2-character prefix of the org's keys, a sample of longer ones, and edge cases. */
  const terms = async (): Promise<string[]> => {
    const rows = await sql<{ nameKey: string; fullNameKey: string; emailKey: string }>(
      'SELECT nameKey, fullNameKey, emailKey FROM memberships WHERE orgId = :org',
      { org: org.id },
    );
    const out = new Set<string>();
    let n = 0;
    for (const r of rows) {
      for (const key of [r.nameKey, r.fullNameKey, r.emailKey]) {
        const chars = Array.from(key);
        for (let len = 1; len <= Math.min(chars.length, 9); len++) {
          const p = chars.slice(0, len).join('').trim();
          if (p && (len <= 2 || n++ % 5 === 0)) {
            out.add(p);
          }
        }
      }
    }
    for (const t of [
      'MAR',
      ' Mar ',
      'lee a',
      'lee ann l',
      'smith j',
      'smithx',
      '100%',
      '100_',
      'a_',
      'a%',
      'back\\',
      "o'",
      "o'n",
      'zzzz',
      'e',
      'é',
      'emi',
      'zoë',
      'å',
      'ł',
      'mary.',
      'hamilton-',
      'van der',
      'qqqqqqqqqq',
    ]) {
      out.add(t);
    }
    return [...out].sort();
  };

  /** Searches `terms` in rotation over every order and filter (admin), and by name (member, names only). */
  const expectSameAsReference = async (list: string[]): Promise<void> => {
    const combos = FIELDS.flatMap((field) => ['ASC', 'DESC'].flatMap((dir) => FILTERS.map((filter) => ({ field, dir, filter }))));
    for (const [i, term] of list.entries()) {
      const c = combos[i % combos.length];
      const want = await reference(term, true, c.field, c.dir, c.filter);
      const got = await walk(admin, { search: term, orderBy: { field: c.field, direction: c.dir }, filter: c.filter }, 3);
      expect({ term, ...c, ids: got.ids, total: got.total }).toEqual({ term, ...c, ids: want, total: want.length });

      const dir = i % 2 ? 'DESC' : 'ASC';
      const names = await reference(term, false, 'LAST_NAME', dir, {});
      const byMember = await walk(member, { search: term, orderBy: { field: 'LAST_NAME', direction: dir } }, 4);
      expect({ term, dir, ids: byMember.ids }).toEqual({ term, dir, ids: names });
    }
  };

  /** Folds what MariaDB's collation calls equal (accents, case): the index keeps one row of each such set. */
  const fold = (s: string): string => (mysql ? s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase() : s);

  /** The org's index rows equal what searchPrefixRows computes from its memberships' keys. */
  const expectIndexMatchesKeys = async (): Promise<void> => {
    const stored = await sql<{ emailOnly: unknown; prefix: string; nameKey: string; userId: number }>(
      'SELECT emailOnly, prefix, nameKey, userId FROM member_search_prefixes WHERE orgId = :org',
      { org: org.id },
    );
    const members = await sql<{ userId: number; nameKey: string; fullNameKey: string; emailKey: string }>(
      'SELECT userId, nameKey, fullNameKey, emailKey FROM memberships WHERE orgId = :org',
      { org: org.id },
    );
    const row = (emailOnly: boolean, prefix: string, nameKey: string, userId: number): string =>
      JSON.stringify([emailOnly, fold(prefix), nameKey, Number(userId)]);
    // An email-only row whose prefix the collation calls equal to a name prefix ("emile" beside "émile")
    // may be there or not (the writers compare exactly, the SQL backfill by collation): both answer alike.
    const optional = new Set<string>();
    const want = new Set<string>();
    for (const m of members) {
      const { names, emailOnly } = searchPrefixRows({ ...m, orgId: org.id });
      names.forEach((p) => want.add(row(false, p, m.nameKey, m.userId)));
      for (const p of emailOnly) {
        (names.some((n) => fold(n) === fold(p)) ? optional : want).add(row(true, p, m.nameKey, m.userId));
      }
    }
    const got = new Set(stored.map((r) => row(Number(r.emailOnly) === 1, r.prefix, r.nameKey, r.userId)));
    expect([...got].filter((r) => !optional.has(r)).sort()).toEqual([...want].sort());
  };

  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    admin = await asAdmin(app, org, { firstName: 'Ada', lastName: 'Admin', allAccess: true });
    member = await asMember(app, org, { firstName: 'Mia', lastName: 'Member' });
    for (const [i, [first, last, local]] of NAMES.entries()) {
      people.push(
        await createMember(app, org, {
          firstName: first,
          lastName: last,
          email: `${local}.${i}@${i % 2 ? 'alpha' : 'beta'}.test`,
          // One of them signs in (the confirmed email change below needs their password); hashing the rest would be slow.
          ...(i === 1 ? {} : { password: undefined }),
          isActive: i % 5 !== 4,
          allAccess: i % 3 === 0,
        }),
      );
    }
    // Another org with the same names: never in this org's results.
    const other = await createOrg(app);
    for (const [first, last, local] of NAMES.slice(0, 8)) {
      await createMember(app, other, { firstName: first, lastName: last, email: `${local}.other@gamma.test`, password: undefined });
    }
    const base = Date.UTC(2026, 0, 1, 12, 0, 0);
    for (const [i, p] of people.entries()) {
      const at = i % 4 === 0 ? null : new Date(base + (i % 3) * 60_000);
      // Not keys of the index: set straight on the row (mfaOptOut for the filter, lastLoginAt with NULLs and ties).
      await sql('UPDATE memberships SET lastLoginAt = :at, mfaOptOut = :o WHERE id = :id', { at, o: i % 4 === 1, id: p.membership.id });
    }
  }, 120_000);
  afterAll(async () => {
    await app.stop();
  });

  it('answers every prefix, order and filter exactly as the prefix predicates on the membership rows do, page by page', async () => {
    const list = await terms();
    expect(list.length).toBeGreaterThan(80);
    await expectSameAsReference(list);
    await expectIndexMatchesKeys();
  }, 300_000);

  it('ordered by other than name, both plans (sort the index matches, or walk the order index) give the reference rows, page by page', async () => {
    const list = (await terms()).filter((_, i) => i % 3 === 0);
    const combos = FIELDS.filter((f) => f !== 'LAST_NAME').flatMap((field) =>
      ['ASC', 'DESC'].flatMap((dir) => FILTERS.map((filter) => ({ field, dir, filter }))),
    );
    for (const [i, term] of list.entries()) {
      const c = combos[i % combos.length];
      const want = await reference(term, true, c.field, c.dir, c.filter);
      const q: MemberQuery = {
        orgId: org.id,
        sort: { field: c.field, direction: c.dir as 'ASC' | 'DESC' },
        filter: c.filter,
        search: term.trim().toLowerCase(),
        searchEmail: true,
      };
      for (const plan of ['index', 'walk'] as SearchPlan[]) {
        const ids: string[] = [];
        let seek: Seek | null = null;
        for (let page = 0; page < 100; page++) {
          const { sql: text, params } = memberPageSql(q, seek, 4, 0, mysql ? 'mysql' : 'sqlite', plan);
          const rows = await sql(text, params);
          ids.push(...rows.map((r) => String(r.userId)));
          if (rows.length < 4) {
            break;
          }
          seek = seekOf(q.sort, rows[rows.length - 1]);
        }
        expect({ term, plan, ...c, ids }).toEqual({ term, plan, ...c, ids: want });
      }
    }
  }, 300_000);

  it('the bulk backfill (seed, migration) builds the same index as the writers', async () => {
    await sql('DELETE FROM member_search_prefixes WHERE orgId = :org', { org: org.id });
    await backfillSearchPrefixes((text) => app.ds.query(text), mysql ? 'mysql' : 'sqlite');
    await expectIndexMatchesKeys();
  });

  it('keeps the index in step with renames, email changes, deletions, invitations and accepted invitations', async () => {
    // Rename (the member's names in this org).
    const renamed = people[0];
    expect(
      (await admin.gql(UPDATE_USER, { input: { userId: String(renamed.user.id), firstName: 'Quentin', lastName: 'Quux' } })).errors,
    ).toBeUndefined();
    expect((await walk(admin, { search: 'quux q' }, 5)).ids).toEqual([String(renamed.user.id)]);
    expect((await walk(member, { search: 'quentin' }, 5)).ids).toEqual([String(renamed.user.id)]);
    expect((await walk(admin, { search: 'martinez' }, 5)).ids).toEqual([]);

    // A confirmed email change of an active account (every membership of the account).
    const moved = people[1];
    expect(
      (await admin.gql(UPDATE_USER, { input: { userId: String(moved.user.id), email: 'newmail.1@omega.test' } })).errors,
    ).toBeUndefined();
    const confirm = await mailedToken(app, 'email_change_confirmation', 'newmail.1@omega.test');
    expect((await app.gql(CONFIRM_EMAIL, { t: confirm.token, p: moved.password })).errors).toBeUndefined();
    expect((await walk(admin, { search: 'newm' }, 5)).ids).toEqual([String(moved.user.id)]);
    expect((await walk(admin, { search: 'newmail.1' }, 5)).ids).toEqual([String(moved.user.id)]);
    expect((await walk(admin, { search: 'zeta' }, 5)).ids).toEqual([]);
    expect((await walk(member, { search: 'newm' }, 5)).ids).toEqual([]);

    // Deletion.
    const gone = people[3];
    expect((await admin.gql(DELETE_USER, { id: String(gone.user.id) })).errors).toBeUndefined();
    expect((await walk(admin, { search: 'martha' }, 5)).ids).toEqual([]);

    // An invitation (a new membership), its address changed by the admin, then accepted by an account of another org.
    const elsewhere = await createMember(app, await createOrg(app), { firstName: 'Ines', lastName: 'Invitee', email: 'ines.x@delta.test' });
    const invited = await admin.gql(CREATE_USER, { input: { email: 'ines.typo@delta.test', firstName: 'Ines', lastName: 'Ivory' } });
    expect(invited.errors).toBeUndefined();
    const invitedId = invited.data!.createUser.user.id as string;
    expect((await walk(admin, { search: 'ines.t' }, 5)).ids).toEqual([invitedId]);
    expect((await admin.gql(UPDATE_USER, { input: { userId: invitedId, email: elsewhere.email } })).errors).toBeUndefined();
    expect((await walk(admin, { search: 'ines.t' }, 5)).ids).toEqual([]);
    expect((await walk(admin, { search: 'ines.x' }, 5)).ids).toEqual([invitedId]);
    const token = (await mailedToken(app, 'invitation', elsewhere.email)).token;
    expect((await app.gql(ACTIVATE, { t: token, p: elsewhere.password })).errors).toBeUndefined();
    // The membership now belongs to the person's own account: the index follows it.
    expect((await walk(admin, { search: 'ivory' }, 5)).ids).toEqual([String(elsewhere.user.id)]);
    expect((await walk(member, { search: 'ines i' }, 5)).ids).toEqual([String(elsewhere.user.id)]);

    await expectIndexMatchesKeys();
    await expectSameAsReference(await terms());
  }, 300_000);
});
