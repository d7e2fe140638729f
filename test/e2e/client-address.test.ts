import { createMember, createOrg, startTestApp, TEST_PASSWORD, testDbKind, type TestApp } from '../support/harness';

const SIGN_IN = 'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { status } }';

/** The client address in audit rows: X-Forwarded-For counts only behind a configured proxy. */
describe(`client address (${testDbKind()})`, () => {
  async function auditedIp(env: Record<string, string>): Promise<string | null> {
    const app: TestApp = await startTestApp({ env });
    try {
      const org = await createOrg(app);
      const m = await createMember(app, org);
      const r = await app.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }, null, { 'x-forwarded-for': '203.0.113.7' });
      expect(r.data?.signIn.status).toBe('SIGNED_IN');
      const rows: Array<{ ip: string | null }> = await app.ds.query(
        "SELECT ip FROM audit_events WHERE action = 'auth.sign_in' AND targetUserId = ?",
        [m.user.id],
      );
      return rows[0].ip;
    } finally {
      await app.stop();
    }
  }

  it('ignores X-Forwarded-For by default (a client could forge it)', async () => {
    expect(await auditedIp({})).toMatch(/127\.0\.0\.1$/);
  });

  it('takes the client address from X-Forwarded-For with TRUST_PROXY_HOPS=1 (behind one load balancer)', async () => {
    expect(await auditedIp({ TRUST_PROXY_HOPS: '1' })).toBe('203.0.113.7');
  });
});
