import type { Org } from '../../src/entities';
import { Instant, parseInstant } from '../../src/db/instant';
import {
  asAdmin,
  createMember,
  createOrg,
  errorCode,
  fakeDateOnly,
  signIn,
  startTestApp,
  testDbKind,
  type TestApp,
  type TestMember,
} from '../support/harness';

const UPDATED_FEED = `query($r: ID!, $s: DateTimeISO!, $first: Int, $after: String) {
  usersUpdatedByRole(roleId: $r, since: $s, first: $first, after: $after) { nodes { userId at } pageInfo { hasNextPage endCursor } } }`;
const RENAME = 'mutation($id: ID!, $f: String!) { updateUser(input: { userId: $id, firstName: $f }) { user { id } } }';
const ASSIGN = 'mutation($u: ID!, $r: ID!) { assignRole(input: { userId: $u, roleId: $r }) { changed } }';
const OPT_OUT = `mutation($u: ID!, $t: DateTimeISO) { updateMembership(input: { userId: $u, mfaOptOut: true, mfaOptOutUntil: $t }) { membership { mfaOptOutUntil } } }`;

/** 2030-05-01T06:05:53.009Z: a time with milliseconds, in a second of its own. */
const T0 = Date.UTC(2030, 4, 1, 6, 5, 53, 9);
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Sync feeds and opt-out end dates are exact to the microsecond (src/db/instant.ts) in storage,
 * comparison and output, on both engines, and the feeds resume from a keyset cursor.
 */
describe(`exact times: sync feeds and opt-out end dates (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let token: string;
  let holder: TestMember;
  let other: TestMember;
  let roleId: string;

  const gql = async (q: string, v: Record<string, unknown>) => {
    const r = await app.gql(q, v, token);
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const feed = async (since: string, o: { first?: number; after?: string | null } = {}) =>
    (await gql(UPDATED_FEED, { r: roleId, s: since, first: o.first, after: o.after })).usersUpdatedByRole;
  const rest = async (since: string) => {
    const r = await app.http('GET', `/user/users/updatedByRole?roleId=${roleId}&since=${encodeURIComponent(since)}`, { token });
    expect(r.status).toBe(200);
    return r.body as { content: Array<{ userId: number; at: string }>; nextCursor: string | null; cursor: string | null };
  };
  /** Past the feeds' settle window (ROLE_FEED_SETTLE_MS, 2 s). */
  const settle = (atMs: number): void => fakeDateOnly(atMs + 3000);

  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    const admin = await asAdmin(app, org);
    holder = await createMember(app, org, { firstName: 'Holder' });
    other = await createMember(app, org, { firstName: 'Other' });
    fakeDateOnly(T0 - 5000);
    token = (await signIn(app, org, admin.email)).token;
    roleId = (await gql('mutation { createRole(input: { name: "Exact" }) { role { id } } }', {})).createRole.role.id;
    await gql(ASSIGN, { u: String(holder.user.id), r: roleId });
    await gql(ASSIGN, { u: String(other.user.id), r: roleId });
  });
  afterAll(async () => {
    jest.useRealTimers();
    await app.stop();
  });

  it('a rename 300 ms after `since`, within the same second, is in the feed with its exact time (GraphQL and REST)', async () => {
    fakeDateOnly(T0 + 300);
    await gql(RENAME, { id: String(holder.user.id), f: 'Renamed' });
    settle(T0 + 300);

    const since = iso(T0); // 06:05:53.009Z
    const g = await feed(since);
    expect(g.nodes.map((n: { userId: string }) => n.userId)).toEqual([String(holder.user.id)]);
    const at: string = g.nodes[0].at;
    // Six fraction digits, and the millisecond of the rename (not rounded down to 06:05:53.000).
    expect(at).toMatch(/^2030-05-01T06:05:53\.309\d{3}Z$/);
    const r = await rest(since);
    expect(r.content).toEqual([{ userId: holder.user.id, at }]);
    // From five seconds earlier both assignments show, each at its own exact time.
    const earlier = await feed(iso(T0 - 6000));
    expect(earlier.nodes.map((n: { userId: string }) => n.userId)).toEqual([String(other.user.id), String(holder.user.id)]);
    expect(earlier.nodes[1].at).toBe(at);

    // `since` compares to the microsecond: at itself is included, one microsecond later is not.
    const exact = Instant.fromEpochMicros(parseInstant(at, 'at').epochMicros + 1).toISOString();
    expect((await feed(at)).nodes).toHaveLength(1);
    expect((await feed(exact)).nodes).toEqual([]);
    expect((await rest(at)).content).toHaveLength(1);
    expect((await rest(exact)).content).toEqual([]);
  });

  it('a poller resuming from endCursor sees every change once: no gap, no repeat, also for changes in the same millisecond', async () => {
    const since = iso(T0 - 60_000);
    settle(T0 + 1000);
    // Page through what is there, one entry at a time.
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page = await feed(since, { first: 1, after });
      seen.push(...page.nodes.map((n: { userId: string; at: string }) => `${n.userId}@${n.at}`));
      after = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage) {
        break;
      }
    }
    expect(seen).toHaveLength(2);
    // Nothing new: the same cursor comes back.
    const idle = await feed(since, { after });
    expect(idle).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: after } });
    // Two changes in one (frozen) millisecond, then the next poll from the cursor: both, once each.
    fakeDateOnly(T0 + 10_000);
    await gql(RENAME, { id: String(other.user.id), f: 'Other2' });
    await gql(RENAME, { id: String(holder.user.id), f: 'Renamed2' });
    settle(T0 + 10_000);
    const next = await feed(since, { after });
    expect(next.nodes.map((n: { userId: string }) => n.userId)).toEqual([String(other.user.id), String(holder.user.id)]);
    expect(next.nodes[0].at < next.nodes[1].at).toBe(true);
    expect((await feed(since, { after: next.pageInfo.endCursor })).nodes).toEqual([]);
    // The REST door hands out the same resume position.
    const r = await app.http('GET', `/user/users/updatedByRole?roleId=${roleId}&since=${encodeURIComponent(since)}&after=${after}`, {
      token,
    });
    expect(r.body.content.map((e: { userId: number }) => e.userId)).toEqual([other.user.id, holder.user.id]);
    expect(r.body.cursor).toBe(next.pageInfo.endCursor);
    expect(r.body.nextCursor).toBeNull();
  });

  it('mfaOptOutUntil is kept exactly as given, to the microsecond, through both doors and the database', async () => {
    fakeDateOnly(T0);
    const given = '2030-05-01T08:05:53.123456+02:00'; // 06:05:53.123456Z, a tenth of a second after T0
    const r = await gql(OPT_OUT, { u: String(holder.user.id), t: given });
    expect(r.updateMembership.membership.mfaOptOutUntil).toBe('2030-05-01T06:05:53.123456Z');
    const read = await gql('query($id: ID) { user(id: $id) { membership { mfaOptOutUntil } } }', { id: String(holder.user.id) });
    expect(read.user.membership.mfaOptOutUntil).toBe('2030-05-01T06:05:53.123456Z');
    const viaRest = await app.http('GET', `/user/users/${holder.user.id}`, { token });
    expect(viaRest.body.membership.mfaOptOutUntil).toBe('2030-05-01T06:05:53.123456Z');
    const put = await app.http('PUT', `/user/users/${other.user.id}/membership`, {
      token,
      body: { mfaOptOut: true, mfaOptOutUntil: '2030-05-01T06:05:54.000001Z' },
    });
    expect(put.body.mfaOptOutUntil).toBe('2030-05-01T06:05:54.000001Z');
    // More than microseconds cannot be stored: refused, not rounded.
    const tooFine = await app.gql(OPT_OUT, { u: String(holder.user.id), t: '2030-05-01T06:05:53.1234567Z' }, token);
    expect(errorCode(tooFine)).toBe('BAD_USER_INPUT');

    // The exemptions report reads it exactly too.
    const s = await app.gql('{ mfaExemptions { nodes { user { id } until effective } } }', {}, token);
    expect(s.data!.mfaExemptions.nodes.find((e: { user: { id: string } }) => e.user.id === String(holder.user.id))).toMatchObject({
      until: '2030-05-01T06:05:53.123456Z',
      effective: true,
    });
  });
});
