import { signIn, startTestApp, testDbKind, type TestApp } from '../support/harness';
import { SEED_PASSWORD, seedBulk } from '../../src/cli/seed';
import type { Org } from '../../src/entities';
import { checkPlans, type CapturedStatement, type PlanVerdict } from '../../bench/plan-check';
import { PLAN_SEARCH_TERMS, exerciseRequests, planRequests } from '../../bench/requests';

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
  const ds = (): 'sqlite' | 'mysql' => testDbKind();
  afterAll(async () => {
    await app.stop();
  });

  it('reads users and memberships through indexes only (no full scan, no sort of a whole org)', () => {
    expect(verdicts.length).toBeGreaterThanOrEqual(10);
    const problems = verdicts.flatMap((v) => v.problems.map((p) => `${p}\n    in: ${v.sql}\n    plan: ${v.plan.join(' | ')}`));
    expect(problems).toEqual([]);
  });

  it('searches by name at every prefix length through one ordered range of the search index: no sort at all', () => {
    const searches = [...PLAN_SEARCH_TERMS.map((t) => `search "${t}"`), 'search email', 'search page 2', 'search "marti" page 2'];
    const checked = searches.flatMap((name) => statements[name].filter((s) => /member_search_prefixes/.test(s.sql)));
    expect(checked.length).toBeGreaterThanOrEqual(searches.length);
    for (const s of checked) {
      const v = verdicts.find((x) => x.sql === s.sql)!;
      expect({ sql: s.sql, problems: v.problems, notes: v.notes }).toEqual({ sql: s.sql, problems: [], notes: [] });
      // Each branch reads the index first, by its primary key (no scan of the org's memberships).
      expect(v.plan.join(' | ')).toMatch(
        ds() === 'sqlite' ? /SEARCH p USING PRIMARY KEY \(orgId=\? AND emailOnly=\? AND prefix=\?/ : /p type=(?:ref|range) key=PRIMARY/,
      );
    }
  });

  it('runs the same small number of statements for a page of 50 and of 200', () => {
    expect(statements['page 50'].length).toBeLessThanOrEqual(3);
    expect(statements['page 200'].length).toBe(statements['page 50'].length);
  });
});
