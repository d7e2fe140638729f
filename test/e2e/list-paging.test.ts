import type { Org } from '../../src/entities';
import { rawQuery } from '../../src/db/raw';
import { asAdmin, asMember, createMember, createOrg, type Principal } from '../support/principals';
import { startTestApp, type TestApp } from '../support/app';
import { testDbKind } from '../support/databases';
import { errorCode } from '../support/graphql-client';
import { ctxOf } from '../support/membership';

/**
 * Every list is a Relay connection: paging forward (first/after) and backward (last/before)
 * through it gives the same items in the same order, with no gap and no repeat, and pageInfo's
 * flags and cursors say where each page sits; totalCount matches; mixing directions is refused;
 * a refused root field is null on its own and leaves its siblings.
 */

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Conn {
  edges: Array<{ cursor: string; node: unknown }>;
  nodes: unknown[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/** A list under test: the root field, its other arguments (declared and passed), and the node key to compare. */
interface ListSpec {
  name: string;
  field: string;
  varDecls?: string;
  args?: string;
  vars?: Record<string, unknown>;
  key: string;
  counted: boolean;
}

function document(l: ListSpec): string {
  const decls = `$first: Int, $after: String, $last: Int, $before: String${l.varDecls ? ', ' + l.varDecls : ''}`;
  const args = `${l.args ? l.args + ', ' : ''}first: $first, after: $after, last: $last, before: $before`;
  return `query(${decls}) { ${l.field}(${args}) { ${l.counted ? 'totalCount ' : ''}edges { cursor node { ${l.key} } } nodes { ${l.key} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
}

describe(`lists: connections paged both ways (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  let member: Principal;
  let roleId: string;
  const ids: number[] = [];

  const page = async (l: ListSpec, vars: Record<string, unknown>): Promise<Conn> => {
    const r = await admin.gql<Record<string, Conn>>(document(l), { ...l.vars, ...vars });
    expect({ list: l.name, errors: r.errors }).toEqual({ list: l.name, errors: undefined });
    const c = r.data![l.field];
    expect(c.nodes).toEqual(c.edges.map((e) => e.node));
    expect(c.pageInfo.startCursor).toBe(c.edges[0]?.cursor ?? null);
    return c;
  };

  /** Walks the whole list forward by `size`, checking each page's flags; returns the node keys in order. */
  const forward = async (l: ListSpec, size: number): Promise<string[]> => {
    const out: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 200; i++) {
      const c: Conn = await page(l, { first: size, after });
      out.push(...c.nodes.map((n) => JSON.stringify(n)));
      expect({ list: l.name, i, prev: c.pageInfo.hasPreviousPage }).toEqual({ list: l.name, i, prev: i > 0 });
      expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1]?.cursor ?? null);
      if (!c.pageInfo.hasNextPage) {
        return out;
      }
      expect(c.nodes).toHaveLength(size);
      after = c.pageInfo.endCursor;
    }
    throw new Error('forward walk did not end');
  };

  /** Walks the whole list backward from its end by `size`; returns the node keys in list order. */
  const backward = async (l: ListSpec, size: number): Promise<string[]> => {
    const pages: string[][] = [];
    let before: string | null = null;
    for (let i = 0; i < 200; i++) {
      const c: Conn = await page(l, { last: size, before });
      pages.unshift(c.nodes.map((n) => JSON.stringify(n)));
      expect({ list: l.name, i, next: c.pageInfo.hasNextPage }).toEqual({ list: l.name, i, next: i > 0 });
      if (!l.field.startsWith('usersRemoved') && !l.field.startsWith('usersUpdated')) {
        expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1]?.cursor ?? null);
      }
      if (!c.pageInfo.hasPreviousPage) {
        return pages.flat();
      }
      expect(c.nodes).toHaveLength(size);
      before = c.pageInfo.startCursor;
    }
    throw new Error('backward walk did not end');
  };

  const lists = (): ListSpec[] => [
    { name: 'users by name', field: 'users', key: 'id', counted: true },
    {
      name: 'users by last sign-in ASC (never signed in first)',
      field: 'users',
      varDecls: '$o: UserOrder',
      args: 'orderBy: $o',
      vars: { o: { field: 'LAST_LOGIN_AT', direction: 'ASC' } },
      key: 'id',
      counted: true,
    },
    {
      name: 'users by last sign-in DESC',
      field: 'users',
      varDecls: '$o: UserOrder',
      args: 'orderBy: $o',
      vars: { o: { field: 'LAST_LOGIN_AT', direction: 'DESC' } },
      key: 'id',
      counted: true,
    },
    {
      name: 'users by email DESC',
      field: 'users',
      varDecls: '$o: UserOrder',
      args: 'orderBy: $o',
      vars: { o: { field: 'EMAIL', direction: 'DESC' } },
      key: 'id',
      counted: true,
    },
    { name: 'users search', field: 'users', varDecls: '$s: String', args: 'search: $s', vars: { s: 'sam' }, key: 'id', counted: true },
    {
      name: 'users filtered',
      field: 'users',
      varDecls: '$f: UserFilter',
      args: 'filter: $f',
      vars: { f: { mfaOptOut: true } },
      key: 'id',
      counted: true,
    },
    { name: 'audit trail', field: 'auditEvents', key: 'id', counted: false },
    {
      name: 'audit trail by action',
      field: 'auditEvents',
      varDecls: '$f: AuditEventFilter',
      args: 'filter: $f',
      vars: { f: { action: 'ROLE_ASSIGN' } },
      key: 'id',
      counted: false,
    },
    { name: 'roles', field: 'roles', key: 'id name', counted: true },
    { name: 'user groups', field: 'userGroups', key: 'id name', counted: true },
    { name: 'MFA exemptions', field: 'mfaExemptions', key: 'user { id }', counted: false },
    ...(['usersUpdatedByRole', 'usersRemovedFromRole'] as const).map((field) => ({
      name: field,
      field,
      varDecls: '$r: ID!, $since: DateTimeISO!',
      args: 'roleId: $r, since: $since',
      vars: { r: roleId, since: '2000-01-01T00:00:00Z' },
      key: 'userId at',
      counted: false,
    })),
  ];

  beforeAll(async () => {
    // Feeds list a change once it is settled; 0 lists it at once (the settle delay has its own test).
    app = await startTestApp({ env: { ROLE_FEED_SETTLE_MS: '0' } });
    org = await createOrg(app);
    admin = await asAdmin(app, org);
    member = await asMember(app, org);
    const names: Array<[string, string]> = [
      ['Ada', 'Lovelace'],
      ['Same', 'Name'],
      ['Same', 'Name'],
      ['Same', 'Name'],
      ['Grace', 'Hopper'],
      ['Alan', 'Turing'],
      ['Edsger', 'Dijkstra'],
      ['Barbara', 'Liskov'],
      ['Donald', 'Knuth'],
      ['Hedy', 'Lamarr'],
      ['Vint', 'Cerf'],
      ['Samuel', 'Adams'],
      ['Grace', 'Sampson'],
    ];
    for (const [i, [firstName, lastName]] of names.entries()) {
      const m = await createMember(app, org, { firstName, lastName, email: `p${i}.${firstName.toLowerCase()}@paging.test` });
      ids.push(m.user.id);
    }
    // Half the members signed in (two at the same instant: ties are broken by user id), half never did.
    for (const [i, id] of ids.entries()) {
      if (i % 2 === 0) {
        await rawQuery(app.ds.manager, 'UPDATE memberships SET lastLoginAt = :at WHERE orgId = :org AND userId = :id', {
          at: new Date(Date.UTC(2026, 0, 1 + (i % 4))),
          org: org.id,
          id,
        });
      }
    }
    const ctx = await ctxOf(app, admin);
    const s = app.server.services;
    const roles = [];
    for (const name of ['Zeta', 'alpha', 'Beta', 'gamma', 'Delta', 'Epsilon', 'eta']) {
      roles.push(await s.role.createRole(ctx, name));
    }
    roleId = String(roles[0].id);
    for (const name of ['Ops', 'dev', 'QA', 'Sales', 'support']) {
      await s.role.createUserGroup(ctx, name);
    }
    for (const [i, id] of ids.entries()) {
      await s.role.assignRole(ctx, id, roles[0].id);
      if (i % 3 === 0) {
        await s.role.unassignRole(ctx, id, roles[0].id);
      }
      if (i % 2 === 1) {
        await s.membership.updateMembership(ctx, { id }, { mfaOptOut: true });
      }
    }
  });
  afterAll(async () => {
    await app.stop();
  });

  it('forward and backward walks give the same items as one page, without gaps or repeats; totalCount matches', async () => {
    for (const l of lists()) {
      const all = (await page(l, { first: 200 })).nodes.map((n) => JSON.stringify(n));
      expect({ list: l.name, enough: all.length >= 4 }).toEqual({ list: l.name, enough: true });
      expect(new Set(all).size).toBe(all.length);
      for (const size of [1, 3]) {
        expect({ list: l.name, size, forward: await forward(l, size) }).toEqual({ list: l.name, size, forward: all });
        expect({ list: l.name, size, backward: await backward(l, size) }).toEqual({ list: l.name, size, backward: all });
      }
      if (l.counted) {
        expect({ list: l.name, totalCount: (await page(l, { first: 2 })).totalCount }).toEqual({ list: l.name, totalCount: all.length });
      }
    }
  });

  it('an edge cursor works both ways: before it are the items that precede it, after it those that follow', async () => {
    for (const l of lists()) {
      const all = await page(l, { first: 200 });
      const mid = Math.floor(all.edges.length / 2);
      const before = await page(l, { last: 2, before: all.edges[mid].cursor });
      expect({ list: l.name, nodes: before.nodes }).toEqual({ list: l.name, nodes: all.nodes.slice(Math.max(0, mid - 2), mid) });
      expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: mid > 2 });
      const after = await page(l, { first: 2, after: all.edges[mid].cursor });
      expect({ list: l.name, nodes: after.nodes }).toEqual({ list: l.name, nodes: all.nodes.slice(mid + 1, mid + 3) });
      expect(after.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: all.edges.length > mid + 3 });
    }
  });

  it('the ends of a list: an empty page past either end, and no cursor means no items on the other side', async () => {
    for (const l of lists()) {
      const all = await page(l, { first: 200 });
      expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
      const fromEnd = await page(l, { last: 200 });
      expect(fromEnd.nodes).toEqual(all.nodes);
      expect(fromEnd.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
      const beforeFirst = await page(l, { last: 5, before: all.edges[0].cursor });
      expect({ list: l.name, nodes: beforeFirst.nodes, info: beforeFirst.pageInfo }).toMatchObject({
        list: l.name,
        nodes: [],
        info: { hasPreviousPage: false, hasNextPage: true, startCursor: null },
      });
    }
  });

  it('refuses mixing first/after with last/before, bad sizes and foreign cursors, naming the argument', async () => {
    const users = lists()[0];
    const one = await page(users, { first: 1 });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ first: 2, last: 2 }, 'last'],
      [{ first: 2, before: one.pageInfo.endCursor }, 'before'],
      [{ after: one.pageInfo.endCursor, last: 2 }, 'last'],
      [{ last: 0 }, 'last'],
      [{ last: 201 }, 'last'],
      [{ last: 2, before: 'not-a-cursor' }, 'before'],
    ];
    for (const [vars, field] of cases) {
      const r = await admin.gql(document(users), vars);
      expect({ vars, code: errorCode(r), field: r.errors?.[0]?.extensions?.field }).toEqual({ vars, code: 'BAD_USER_INPUT', field });
      expect(r.data?.users ?? null).toBeNull();
    }
    const mixed = await admin.gql(document(users), { first: 2, last: 2 });
    expect(mixed.errors![0].message).toBe('Page forward with first/after or backward with last/before, not both.');
    // A cursor of one list is no cursor of another (HMAC-bound to the list, org and query).
    const roleCursor = (
      await page(
        lists().find((l) => l.field === 'roles')!,
        { first: 1 },
      )
    ).pageInfo.endCursor;
    for (const l of lists()) {
      if (l.field !== 'roles') {
        const r = await admin.gql(document(l), { ...l.vars, last: 1, before: roleCursor });
        expect({ list: l.name, code: errorCode(r), field: r.errors?.[0]?.extensions?.field }).toEqual({
          list: l.name,
          code: 'BAD_USER_INPUT',
          field: 'before',
        });
      }
    }
  });

  it('a refused root field is null with its own error; sibling root fields still answer', async () => {
    const missing = await member.gql('query($id: ID) { me { user { id } } user(id: $id) { id firstName } }', { id: '99999999' });
    expect(missing.data).toEqual({ me: { user: { id: String(member.user.id) } }, user: null });
    expect(missing.errors!.map((e) => [e.extensions!.code, e.path])).toEqual([['NOT_FOUND', ['user']]]);

    const forbidden = await member.gql(
      '{ me { user { id } } userCounts { enabled } roles { totalCount } users(first: 1) { nodes { id } } }',
    );
    expect(forbidden.data).toMatchObject({ me: { user: { id: String(member.user.id) } }, userCounts: null, roles: null });
    expect(forbidden.data!.users.nodes).toHaveLength(1);
    expect(forbidden.errors!.map((e) => [e.extensions!.code, e.path]).sort()).toEqual([
      ['FORBIDDEN', ['roles']],
      ['FORBIDDEN', ['userCounts']],
    ]);
  });
});
