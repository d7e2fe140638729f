import { RateLimitedError } from '../../src/errors';
import { hashPassword } from '../../src/security/password';
import { createMember, createOrg, startTestApp, TEST_PASSWORD, testDbKind, type TestApp } from '../support/harness';

const SIGN_IN = 'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { status } }';
const CHANGE_PASSWORD =
  'mutation($c: String!, $n: String!) { changePassword(input: { currentPassword: $c, newPassword: $n }) { passwordChanged } }';

/**
 * Password hashing has a bounded queue (src/security/hashing-pool.ts): when it is full a sign-in
 * is refused at once with RATE_LIMITED and a retry delay, whether or not the account exists, and
 * the queue takes turns between client addresses. The queue is filled from this process (the
 * server runs in it) under one client's lane.
 */
describe(`sign-in when the password-hashing queue is full (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      env: { HASH_WORKERS: '1', HASH_QUEUE_LIMIT: '40', HASH_QUEUE_PER_CLIENT: '20', TRUST_PROXY_HOPS: '1' },
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  /**
   * Keeps `lane` full: `n` hashes queued (one more running), each finished one replaced by a new
   * one before any other event is handled (the refill runs in the same microtask checkpoint as
   * the answer, and the pool starts the next job synchronously). Returns a function that stops
   * refilling and waits for the queue to drain.
   */
  function fillLane(lane: string, n: number): () => Promise<unknown> {
    let stopped = false;
    const pending: Array<Promise<unknown>> = [];
    const add = (): void => {
      pending.push(
        hashPassword(`backlog-${pending.length}`, lane).then(
          () => (stopped ? undefined : add()),
          // A refill finding the lane still full (another lane's job ran meanwhile): it is full, as wanted.
          (e: unknown) => expect(e).toBeInstanceOf(RateLimitedError),
        ),
      );
    };
    for (let i = 0; i < n; i++) {
      add();
    }
    return async () => {
      stopped = true;
      while (pending.length) {
        await pending.shift();
      }
    };
  }

  it('answers RATE_LIMITED with Retry-After at once, the same for a known and an unknown account, and counts no failure', async () => {
    const org = await createOrg(app);
    const m = await createMember(app, org);
    const client = { 'x-forwarded-for': '198.51.100.1' };
    // The first unknown-account sign-in computes the stand-in hash that later ones verify against.
    await app.gql(SIGN_IN, { o: org.slug, e: `nobody-first@example.test`, p: TEST_PASSWORD }, null, client);
    // 1 running + 20 waiting: this client's lane is full.
    const drain = fillLane('198.51.100.1', 21);
    const [known, unknown] = await Promise.all([
      app.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }, null, client),
      app.gql(SIGN_IN, { o: org.slug, e: `nobody-${Date.now()}@example.test`, p: TEST_PASSWORD }, null, client),
    ]);
    for (const r of [known, unknown]) {
      expect(r.data).toBeNull();
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0].extensions!.code).toBe('RATE_LIMITED');
      const retry = r.errors![0].extensions!.retryAfterSeconds as number;
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(r.headers.get('retry-after')).toBe(String(retry));
    }
    expect(known.errors![0].message).toBe(unknown.errors![0].message);
    // (A request that waited instead would never be answered: the lane stays full until drain().)
    // Not a failed sign-in: nothing counted against the account.
    const key = app.server.services.signInThrottle.accountKey(m.email);
    // Each attempt reserved a slot before its check and gave it back when the check was refused for load.
    const throttled: Array<{ failures: unknown }> = await app.ds.query('SELECT failures FROM sign_in_throttles WHERE accountKey = ?', [
      key,
    ]);
    expect(throttled.map((r) => Number(r.failures))).toEqual(throttled.length ? [0] : []);

    await drain();
    const after = await app.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }, null, client);
    expect(after.errors).toBeUndefined();
    expect(after.data!.signIn.status).toBe('SIGNED_IN');
  });

  it('takes turns per client address: another client still signs in while one client has filled its lane', async () => {
    const org = await createOrg(app);
    const m = await createMember(app, org);
    const drain = fillLane('198.51.100.2', 21);
    const [crowded, other] = await Promise.all([
      app.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }, null, { 'x-forwarded-for': '198.51.100.2' }),
      app.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }, null, { 'x-forwarded-for': '198.51.100.3' }),
    ]);
    expect(crowded.errors![0].extensions!.code).toBe('RATE_LIMITED');
    expect(other.errors).toBeUndefined();
    expect(other.data!.signIn.status).toBe('SIGNED_IN');
    await drain();
  });

  it('refuses a password change the same way, and changes nothing', async () => {
    const org = await createOrg(app);
    const m = await createMember(app, org);
    const client = { 'x-forwarded-for': '198.51.100.4' };
    const session = await app.gql(
      'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { token } }',
      { o: org.slug, e: m.email, p: TEST_PASSWORD },
      null,
      client,
    );
    const drain = fillLane('198.51.100.4', 21);
    const r = await app.gql(CHANGE_PASSWORD, { c: TEST_PASSWORD, n: 'another-long-passphrase-77' }, session.data!.signIn.token, client);
    expect(r.errors![0].extensions!.code).toBe('RATE_LIMITED');
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    await drain();
    const again = await app.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }, null, client);
    expect(again.data!.signIn.status).toBe('SIGNED_IN');
  });
});
