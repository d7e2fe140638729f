import type { Org } from '../../src/entities';
import { rawQuery } from '../../src/db/raw';
import {
  asAdmin,
  createMember,
  createOrg,
  fakeDateOnly,
  signIn,
  startTestApp,
  testDbKind,
  type Principal,
  type TestApp,
  type TestMember,
} from '../support/harness';

const HOUR = 3600_000;
const OPT_OUT = `mutation($u: ID!, $t: DateTimeISO) { updateMembership(input: { userId: $u, mfaOptOut: true, mfaOptOutUntil: $t }) { membership { version } } }`;

/**
 * The "opt-out expired" security notice (docs/product.md rule 16b): once per expiry, by the sweep
 * the server runs and at the member's next sign-in, whichever comes first, with any number of
 * concurrent sweepers. Only Date is faked: timers, I/O and the database stay real.
 */
describe(`MFA opt-out expired notice (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  const t0 = Date.now();

  const notices = async (m: TestMember): Promise<Array<{ kind: string; orgId: number; payload: string }>> =>
    (
      await rawQuery<{ kind: string; orgId: unknown; payload: string }>(
        app.ds.manager,
        "SELECT kind, orgId, payload FROM notification_outbox WHERE userId = :u AND kind = 'mfa_opt_out_expired' ORDER BY id",
        { u: m.user.id },
      )
    ).map((r) => ({ ...r, orgId: Number(r.orgId) }));
  const expiring = async (hours: number): Promise<{ m: TestMember; until: string }> => {
    const m = await createMember(app, org);
    const until = new Date(Date.now() + hours * HOUR).toISOString();
    const r = await admin.gql(OPT_OUT, { u: String(m.user.id), t: until });
    expect(r.errors).toBeUndefined();
    return { m, until };
  };
  const sweep = () => app.server.services.optOutExpiry.sweep(app.systemCtx());

  beforeAll(async () => {
    // The server's own sweep is off here (it is tested below with a server of its own).
    app = await startTestApp({ env: { MFA_OPT_OUT_SWEEP_INTERVAL_MS: '0' } });
    org = await createOrg(app);
    admin = await asAdmin(app, org);
    expect((await admin.gql('mutation { setOrgMfaRequired(input: { required: true }) { org { mfaRequired } } }')).errors).toBeUndefined();
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('a sweep writes one notice per expired opt-out, even with several sweeps at once; none before the end', async () => {
    const { m, until } = await expiring(1);
    fakeDateOnly(t0 + 30 * 60_000);
    expect(await sweep()).toBe(0);
    expect(await notices(m)).toEqual([]);

    fakeDateOnly(t0 + 2 * HOUR);
    // Several processes sweep at the same moment: the conditional UPDATE lets one of them write.
    const written = await Promise.all([sweep(), sweep(), sweep(), sweep()]);
    expect(written.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const mine = await notices(m);
    expect(mine).toEqual([{ kind: 'mfa_opt_out_expired', orgId: org.id, payload: JSON.stringify({ until: until.replace('Z', '000Z') }) }]);
    expect(await sweep()).toBe(0);
    // The member's next sign-in does not tell them again.
    expect((await signIn(app, org, m.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');
    expect(await notices(m)).toHaveLength(1);
    const audited = await rawQuery(
      app.ds.manager,
      "SELECT outcome FROM audit_events WHERE action = 'membership.mfa_opt_out_expired' AND targetUserId = :u",
      { u: m.user.id },
    );
    expect(audited).toEqual([{ outcome: 'success' }]);
  });

  it('without a sweep, the next sign-in after the end writes the notice, once', async () => {
    const { m } = await expiring(1);
    expect((await signIn(app, org, m.email)).status).toBe('SIGNED_IN');
    expect(await notices(m)).toEqual([]);
    fakeDateOnly(t0 + 3 * HOUR);
    expect((await signIn(app, org, m.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');
    expect((await signIn(app, org, m.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');
    expect(await notices(m)).toHaveLength(1);
    expect(await sweep()).toBe(0);
  });

  it('an opt-out granted again (or moved) gets its own notice when it ends; one ended before it is not told twice', async () => {
    const { m } = await expiring(1);
    fakeDateOnly(t0 + 2 * HOUR);
    await sweep();
    expect(await notices(m)).toHaveLength(1);
    // Renewed for another hour.
    const renewed = await app.gql(OPT_OUT, { u: String(m.user.id), t: new Date(t0 + 3 * HOUR).toISOString() }, admin.token);
    expect(renewed.errors).toBeUndefined();
    await sweep();
    expect(await notices(m)).toHaveLength(1);
    fakeDateOnly(t0 + 4 * HOUR);
    await sweep();
    expect(await notices(m)).toHaveLength(2);
  });

  it('an opt-out without an end, or one ended by an admin, is never told as expired', async () => {
    const m = await createMember(app, org);
    expect((await admin.gql(OPT_OUT, { u: String(m.user.id), t: null })).errors).toBeUndefined();
    const ended = (await expiring(1)).m;
    expect(
      (
        await admin.gql('mutation($u: ID!) { updateMembership(input: { userId: $u, mfaOptOut: false }) { membership { version } } }', {
          u: String(ended.user.id),
        })
      ).errors,
    ).toBeUndefined();
    fakeDateOnly(t0 + 5 * HOUR);
    await sweep();
    expect(await notices(m)).toEqual([]);
    expect(await notices(ended)).toEqual([]);
  });

  it('the server sweeps by itself at MFA_OPT_OUT_SWEEP_INTERVAL_MS', async () => {
    const other = await startTestApp({ env: { MFA_OPT_OUT_SWEEP_INTERVAL_MS: '1000' } });
    try {
      const o = await createOrg(other);
      const a = await asAdmin(other, o);
      const m = await createMember(other, o);
      const until = new Date(Date.now() + HOUR).toISOString();
      expect((await a.gql(OPT_OUT, { u: String(m.user.id), t: until })).errors).toBeUndefined();
      fakeDateOnly(Date.now() + 2 * HOUR);
      let rows: unknown[] = [];
      // Real timers: the interval fires on its own; poll the outbox (the faked Date stands still).
      for (let i = 0; i < 100 && rows.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        rows = await rawQuery(other.ds.manager, "SELECT id FROM notification_outbox WHERE userId = :u AND kind = 'mfa_opt_out_expired'", {
          u: m.user.id,
        });
      }
      expect(rows).toHaveLength(1);
    } finally {
      jest.useRealTimers();
      await other.stop();
    }
  });
});
