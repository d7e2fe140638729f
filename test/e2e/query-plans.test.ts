import { signIn, startTestApp, testDbKind, type TestApp } from '../support/harness';
import { SEED_PASSWORD, seedBulk } from '../../src/cli/seed';
import type { Org } from '../../src/entities';
import { checkPlans, type CapturedStatement, type PlanVerdict } from '../../bench/plan-check';
import { exerciseRequests, planRequests } from '../../bench/requests';

/**
 * The member list's statements on a seeded set (a big tenant of 2,000 among 10,000 users in 20 orgs, with
 * ANALYZE statistics): EXPLAIN shows no full scan and no unbounded sort of users or memberships,
 * and a page costs the same number of statements whatever its size. `npm run bench` runs the
 * same check on the 100k / 1M sets.
 */
describe(`member list query plans (${testDbKind()})`, () => {
  let app: TestApp;
  let recording: CapturedStatement[] | null = null;
  let statements: Record<string, CapturedStatement[]>;
  let verdicts: PlanVerdict[];

  beforeAll(async () => {
    app = await startTestApp({ onQuery: (sql, parameters) => void recording?.push({ sql, parameters }) });
    const seed = await seedBulk(app.ds, { orgs: 20, users: 10_000, bigOrgUsers: 2000, out: () => undefined });
    const { token } = await signIn(app, { slug: seed.bigOrg.slug } as Org, seed.bigOrg.adminEmail, SEED_PASSWORD);
    statements = await exerciseRequests(app.url, token, planRequests(null), {
      start: () => void (recording = []),
      stop: () => {
        const got = recording ?? [];
        recording = null;
        return got;
      },
    });
    verdicts = await checkPlans(app.ds, Object.values(statements).flat());
  });
  afterAll(async () => {
    await app.stop();
  });

  it('reads users and memberships through indexes only (no full scan, no sort of a whole org)', () => {
    expect(verdicts.length).toBeGreaterThanOrEqual(10);
    const problems = verdicts.flatMap((v) => v.problems.map((p) => `${p}\n    in: ${v.sql}\n    plan: ${v.plan.join(' | ')}`));
    expect(problems).toEqual([]);
  });

  it('runs the same small number of statements for a page of 50 and of 200', () => {
    expect(statements['page 50'].length).toBeLessThanOrEqual(3);
    expect(statements['page 200'].length).toBe(statements['page 50'].length);
  });
});
