import { parse } from 'csv-parse/sync';
import { asAdmin, asMember, createOrg, startTestApp, testDbKind, type GqlResponse, type Principal, type TestApp } from '../support/harness';
import type { Org } from '../../src/entities';
import type { RequestContext } from '../../src/context';
import { neutraliseCell } from '../../src/security/csv-cell';
import { insertMembers, type BulkMember } from '../support/bulk-members';
import { ResponseChecker } from '../support/openapi';

const P = '/user/users/export.csv';
const HEADER = [
  'First Name',
  'Last Name',
  'Email',
  'Status',
  'Admin',
  'All Data Access',
  'MFA Enrolled',
  'MFA Opt-Out',
  'MFA Opt-Out Until',
  'Last Login',
  'Roles',
  'Groups',
];
const N = 2500;

/** Names a CSV writer must quote or a spreadsheet would run: commas, quotes, line breaks, formula starts. */
const TRICKY: Array<[string, string]> = [
  ['Smith, Jr.', 'Comma'],
  ['The "Rock"', 'Quote'],
  ['Line\nBreak', 'Newline'],
  ['Carriage\r\nReturn', 'Crlf'],
  ['=HYPERLINK("http://evil.test","click")', 'Formula'],
  ['+1', 'Plus'],
  ['-2', 'Minus'],
  ['@SUM(A1:A9)', 'At'],
  ['\t=1', 'Tab'],
  ['\r=1', 'Cr'],
  ["'quoted", 'Apostrophe'],
  ['Zoë', 'Ünïcödé'],
];

const USERS_QUERY = `query($after: String) {
  users(first: 200, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      firstName lastName email lastLoginAt mfaEnrolled
      membership { isActive isAdmin allAccess mfaOptOut mfaOptOutUntil }
      roles { name } groups { name }
    }
  }
}`;

interface GqlMember {
  firstName: string;
  lastName: string;
  email: string;
  lastLoginAt: string | null;
  mfaEnrolled: boolean;
  membership: { isActive: boolean; isAdmin: boolean; allAccess: boolean; mfaOptOut: boolean; mfaOptOutUntil: string | null };
  roles: Array<{ name: string }>;
  groups: Array<{ name: string }>;
}

const yesNo = (b: boolean): string => (b ? 'Yes' : 'No');
/** A roles/groups cell without its order (and without the neutralising quote, which depends on the first name in it). */
const listCell = (s: string): string =>
  s
    .replace(/^'(?=[=+\-@\t\r])/, '')
    .split('; ')
    .filter(Boolean)
    .sort()
    .join('; ');

/** The CSV row the GraphQL view of a member implies, built independently of the exporter. */
function expectedRow(u: GqlMember): string[] {
  return [
    neutraliseCell(u.firstName),
    neutraliseCell(u.lastName),
    neutraliseCell(u.email),
    u.membership.isActive ? 'Active' : 'Inactive',
    yesNo(u.membership.isAdmin),
    yesNo(u.membership.allAccess),
    yesNo(u.mfaEnrolled),
    yesNo(u.membership.mfaOptOut),
    u.membership.mfaOptOutUntil ? new Date(u.membership.mfaOptOutUntil).toISOString() : '',
    u.lastLoginAt ? new Date(u.lastLoginAt).toISOString() : '',
    listCell(u.roles.map((r) => r.name).join('; ')),
    listCell(u.groups.map((g) => g.name).join('; ')),
  ];
}

describe(`REST GET /user/users/export.csv (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  const checker = new ResponseChecker();

  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    admin = await asAdmin(app, org);
    const bulk: BulkMember[] = [];
    for (let i = 0; i < N; i++) {
      const [first, last] = i < TRICKY.length ? TRICKY[i] : [`First${i}`, `Last${String(i).padStart(5, '0')}`];
      bulk.push({
        firstName: first,
        lastName: last,
        email: `member${i}@export.test`,
        isActive: i % 7 !== 0,
        allAccess: i % 3 === 0,
        mfaOptOut: i % 5 === 0,
        lastLoginAt: i % 2 === 0 ? new Date(Date.UTC(2026, 0, 1 + (i % 28), 10, 0, 0)) : null,
      });
    }
    const ids = await insertMembers(app.ds, org.id, bulk);
    const principal = await app.server.services.session.resolve(app.ds.manager, admin.token);
    const ctx: RequestContext = { ...app.systemCtx(), principal };
    const roles = app.server.services.role;
    const auditors = await roles.createRole(ctx, 'Auditors, "Internal"');
    const formula = await roles.createRole(ctx, '=Owners');
    const group = await roles.createUserGroup(ctx, 'Field team');
    for (const id of ids.slice(0, 40)) {
      await roles.assignRole(ctx, id, auditors.id);
    }
    await roles.assignRole(ctx, ids[1], formula.id);
    await roles.addToGroup(ctx, ids[2], group.id);
  }, 240_000);
  afterAll(async () => {
    await app.stop();
  });

  async function exportCsv(p: Principal | null, query = '') {
    const r = await app.http('GET', `${P}${query}`, { token: p?.token ?? null });
    checker.check('GET', P, r);
    return r;
  }

  async function graphqlView(): Promise<GqlMember[]> {
    const all: GqlMember[] = [];
    let after: string | null = null;
    for (;;) {
      const r: GqlResponse<{ users: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: GqlMember[] } }> = await admin.gql<{
        users: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: GqlMember[] };
      }>(USERS_QUERY, {
        after,
      });
      expect(r.errors).toBeUndefined();
      all.push(...r.data!.users.nodes);
      if (!r.data!.users.pageInfo.hasNextPage) {
        return all;
      }
      after = r.data!.users.pageInfo.endCursor;
    }
  }

  it('streams RFC 4180 CSV equal to the GraphQL users view, neutralising formulas, and audits the row count', async () => {
    const r = await exportCsv(admin);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="users-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(r.text.startsWith('First Name,')).toBe(true);
    expect(r.text.endsWith('\r\n')).toBe(true);
    const rows: string[][] = parse(r.text, { bom: true, relax_column_count: false });
    expect(rows[0]).toEqual(HEADER);
    const body = rows.slice(1).map((row) => [...row.slice(0, 10), listCell(row[10]), listCell(row[11])]);
    // No exported cell starts like a formula.
    expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    const expected = (await graphqlView()).map(expectedRow);
    expect(body.length).toBe(N + 1);
    expect(body).toEqual(expected);

    // The tricky names survived the round trip; formula starts came back as text.
    const lastNames = new Set(body.map((row) => row[1]));
    expect(lastNames.has('Comma')).toBe(true);
    const byLast = new Map(body.map((row) => [row[1], row]));
    expect(byLast.get('Comma')![0]).toBe('Smith, Jr.');
    expect(byLast.get('Quote')![0]).toBe('The "Rock"');
    expect(byLast.get('Newline')![0]).toBe('Line\nBreak');
    expect(byLast.get('Crlf')![0]).toBe('Carriage\r\nReturn');
    expect(byLast.get('Formula')![0]).toBe('\'=HYPERLINK("http://evil.test","click")');
    expect(byLast.get('Plus')![0]).toBe("'+1");
    expect(byLast.get('Minus')![0]).toBe("'-2");
    expect(byLast.get('At')![0]).toBe("'@SUM(A1:A9)");
    expect(byLast.get('Tab')![0]).toBe("'\t=1");
    expect(byLast.get('Cr')![0]).toBe("'\r=1");
    expect(byLast.get('Apostrophe')![0]).toBe("'quoted");
    expect(byLast.get('Ünïcödé')![0]).toBe('Zoë');
    expect(body.some((row) => row[10] === '=Owners; Auditors, "Internal"')).toBe(true);

    // Never a secret.
    expect(r.text).not.toMatch(/\$argon2|passwordHash|secret/i);

    const audit = await app.ds.query("SELECT changes, actorUserId FROM audit_events WHERE action = 'users.export' AND outcome = 'success'");
    expect(audit).toHaveLength(1);
    expect(Number(audit[0].actorUserId)).toBe(admin.user.id);
    expect(JSON.parse(audit[0].changes)).toMatchObject({ rowCount: N + 1, complete: true });

    // UTF-8 with a byte order mark (fetch's text() drops it), so spreadsheets read it as UTF-8.
    const raw = new Uint8Array(
      await (await fetch(`${app.url}${P}?search=nobody`, { headers: { authorization: `Bearer ${admin.token}` } })).arrayBuffer(),
    );
    expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('takes the page filters: active, search, sort', async () => {
    const inactive = parse((await exportCsv(admin, '?active=false')).text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(inactive.length).toBe(Math.ceil(N / 7));
    expect(inactive.every((row) => row.Status === 'Inactive')).toBe(true);
    const search = parse((await exportCsv(admin, '?search=last0001')).text, { bom: true, columns: true }) as Array<Record<string, string>>;
    // Last00010 and Last00011 are two of the tricky names' rows.
    expect(search.map((row) => row['Last Name']).sort()).toEqual(Array.from({ length: 8 }, (_, k) => `Last0001${k + 2}`));
    const desc = parse((await exportCsv(admin, '?sort=email,desc&search=member99')).text, { bom: true, columns: true }) as Array<
      Record<string, string>
    >;
    // Where 'member99@' falls is up to the collation ('@' vs '9'); the ten of equal length are in descending order.
    const emails = desc.map((row) => row.Email);
    expect(emails).toHaveLength(11);
    expect(emails).toContain('member99@export.test');
    expect(emails.filter((e) => e !== 'member99@export.test')).toEqual(
      Array.from({ length: 10 }, (_, k) => `member99${9 - k}@export.test`),
    );
  });

  it('is admin only: 401 without a session, 403 for a member (JSON, not CSV); bad filters are 400', async () => {
    expect((await exportCsv(null)).status).toBe(401);
    const member = await asMember(app, org);
    const r = await exportCsv(member);
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('content-disposition')).toBeNull();
    const bad = await exportCsv(admin, '?sort=passwordHash');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('sort');
    expect((await exportCsv(admin, '?active=perhaps')).body.field).toBe('active');
    expect((await exportCsv(admin, '?format=xlsx')).body.field).toBe('format');
  });

  it('an export the client stops reading is audited with the rows handed out (complete: false)', async () => {
    const principal = await app.server.services.session.resolve(app.ds.manager, admin.token);
    const ctx: RequestContext = { ...app.systemCtx(), principal, requestId: 'abort-test' };
    const chunks = app.server.services.memberExport.exportCsv(ctx, { search: 'last0' });
    const first = await chunks.next();
    expect(first.done).toBe(false);
    const handedOut = first.value!.rows;
    expect(handedOut).toBeGreaterThan(0);
    // The chunk's count is its lines after the header (no name of this search holds a line break).
    expect(first.value!.text.split('\r\n').length - 2).toBe(handedOut);
    await chunks.return(undefined);
    const audit = await app.ds.query("SELECT changes FROM audit_events WHERE action = 'users.export' AND requestId = 'abort-test'");
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].changes)).toMatchObject({ rowCount: handedOut, complete: false, filters: { search: 'last0' } });
  });

  it('a read stopped half-way ends its statement and the pool keeps serving (MariaDB destroys the streaming connection)', async () => {
    const principal = await app.server.services.session.resolve(app.ds.manager, admin.token);
    const ctx: RequestContext = { ...app.systemCtx(), principal };
    const batches = app.server.services.memberExport.iterateBatches(ctx, {}, 2);
    const first = await batches.next();
    expect(first.value).toHaveLength(2);
    await batches.return(undefined);
    let read = 0;
    for await (const batch of app.server.services.memberExport.iterateBatches(ctx, {}, 2)) {
      read += batch.length;
    }
    const [{ n }] = await app.ds.query('SELECT COUNT(*) AS n FROM memberships WHERE orgId = ?', [org.id]);
    expect(read).toBe(Number(n));
  });

  it('a refused export is audited as denied, not as an export', async () => {
    const member = await asMember(app, org);
    const principal = await app.server.services.session.resolve(app.ds.manager, member.token);
    const ctx: RequestContext = { ...app.systemCtx(), principal, requestId: 'denied-export' };
    await expect(app.server.services.memberExport.exportCsv(ctx, {}).next()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const audit = await app.ds.query("SELECT outcome FROM audit_events WHERE requestId = 'denied-export'");
    expect(audit.map((a: { outcome: string }) => a.outcome)).toEqual(['FORBIDDEN']);
  });

  it('an empty result is just the header line', async () => {
    const r = await exportCsv(admin, '?search=nobody-has-this-name');
    expect(r.status).toBe(200);
    expect(parse(r.text, { bom: true })).toEqual([HEADER]);
  });
});
