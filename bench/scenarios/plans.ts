/** Statements per request and query plans: this engine, plus SQLite after a MariaDB run. */
import { captureAndExplain, type CapturedPlans } from '../capture';
import type { Bench } from '../context';
import { ensureSeeded } from '../data';
import { DB, NO_SQLITE, log } from '../options';
import { planRequests } from '../requests';

/** Runs with no server child up (the capture starts its own server in this process). */
export async function plans(bench: Bench, deepCursor: string | null, sqliteUrl: string): Promise<void> {
  const captureRequests = planRequests(deepCursor);
  log(`capturing SQL and checking plans on ${DB}…`);
  const captured = await captureAndExplain(bench.dbUrl, captureRequests);
  let sqlitePlans: CapturedPlans | null = null;
  if (DB === 'mysql' && !NO_SQLITE) {
    const s = await ensureSeeded(sqliteUrl);
    await s.ds.destroy();
    log('checking plans on SQLite…');
    // The deep cursor is bound to MariaDB's data; SQLite has the same data and key, so it is valid there too.
    sqlitePlans = await captureAndExplain(sqliteUrl, captureRequests);
  }
  const statementsPerPage = (p: CapturedPlans): [number, number] => [p.perRequest['page 50'].length, p.perRequest['page 200'].length];
  const [s50, s200] = statementsPerPage(captured);
  bench.target({
    target: 'SQL statements per page constant in page size (≤ 3)',
    value: `${s50} for 50 rows, ${s200} for 200 rows${sqlitePlans ? ` (SQLite ${statementsPerPage(sqlitePlans).join(' / ')})` : ''}`,
    pass: s50 === s200 && s50 <= 3 && (!sqlitePlans || statementsPerPage(sqlitePlans).every((n) => n === s50)),
  });
  const planProblems = [...captured.verdicts, ...(sqlitePlans?.verdicts ?? [])].flatMap((v) => v.problems);
  bench.target({
    target: `no full scan or unbounded sort of users/memberships (${captured.verdicts.length} ${DB === 'mysql' ? 'MariaDB' : 'SQLite'}${sqlitePlans ? ` + ${sqlitePlans.verdicts.length} SQLite` : ''} statements)`,
    value: planProblems.length ? planProblems.slice(0, 3).join('; ') : 'none',
    pass: planProblems.length === 0,
  });
  bench.results['statements'] = { [DB]: captured.perRequest, ...(sqlitePlans ? { sqlite: sqlitePlans.perRequest } : {}) };
  bench.results['plans'] = { [DB]: captured.verdicts, ...(sqlitePlans ? { sqlite: sqlitePlans.verdicts } : {}) };
}
