import type { DataSource } from 'typeorm';

/** A statement as TypeORM's logger saw it: driver-level SQL text and its positional parameters. */
export interface CapturedStatement {
  sql: string;
  parameters?: unknown[];
}

export interface PlanVerdict {
  sql: string;
  /** The plan as the engine printed it, one line per step. */
  plan: string[];
  /** Full scans or sorts of a whole org on users/memberships: the statement fails the check. */
  problems: string[];
  /** Sorts bounded by an index range (a search branch sorting its prefix matches): allowed, reported. */
  notes: string[];
}

const KEYWORDS = new Set([
  'where',
  'join',
  'inner',
  'left',
  'on',
  'order',
  'group',
  'limit',
  'force',
  'indexed',
  'use',
  'set',
  'as',
  'union',
]);

/** alias (or bare name) → table, for the checked tables a statement reads. */
function checkedAliases(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\b(?:from|join)\s+[`"]?(users|memberships|member_search_prefixes)[`"]?(?:\s+(?:as\s+)?[`"]?([a-z_]\w*)[`"]?)?/gi;
  for (const m of sql.matchAll(re)) {
    const table = m[1].toLowerCase();
    const alias = m[2] && !KEYWORDS.has(m[2].toLowerCase()) ? m[2] : table;
    out.set(alias, table);
    out.set(table, table);
  }
  return out;
}

/** SELECTs that read users, memberships or the search index (the statements whose plans matter). */
function isCheckedSelect(sql: string): boolean {
  return /^\s*select\b/i.test(sql) && checkedAliases(sql).size > 0;
}

/**
 * EXPLAINs a captured statement with its parameters and judges the plan: no full table or full
 * index scan and no sort of an unbounded row set on users or memberships.
 *
 * MariaDB: `type` ALL or index on a checked table is a scan; `Using filesort` on a checked table
 * is allowed only after a `range` access, or a `ref` on the search index's primary key (it then
 * sorts one search prefix's matches: a search ordered by anything but name, or a COUNT's UNION). SQLite: `SCAN <checked alias>` is a scan; a
 * `USE TEMP B-TREE FOR ORDER BY` beside a SEARCH of a checked table is allowed only when that
 * search has a range (`>`/`<`) on an index or is one prefix of the search index.
 */
async function explainStatement(ds: DataSource, s: CapturedStatement): Promise<PlanVerdict> {
  const aliases = checkedAliases(s.sql);
  const problems: string[] = [];
  const notes: string[] = [];
  if (ds.options.type === 'better-sqlite3') {
    const rows = (await ds.query(`EXPLAIN QUERY PLAN ${s.sql}`, s.parameters ?? [])) as Array<{
      id: number;
      parent: number;
      detail: string;
    }>;
    const plan = rows.map((r) => r.detail);
    const tableOf = (detail: string): string | null => {
      const m = /^(?:SCAN|SEARCH) (\S+)/.exec(detail);
      return m && aliases.has(m[1]) ? aliases.get(m[1])! : null;
    };
    for (const r of rows) {
      const t = tableOf(r.detail);
      if (t && r.detail.startsWith('SCAN ')) {
        problems.push(`full scan of ${t}: ${r.detail}`);
      }
      if (/USE TEMP B-TREE FOR (?:RIGHT PART OF |LAST TERM OF )?ORDER BY/.test(r.detail)) {
        const siblings = rows.filter((x) => x.parent === r.parent && x !== r && tableOf(x.detail));
        // Bounded when the rows come from a range (`<`/`>`) or from one prefix of the search index
        // (its matches only; the memberships joined to them are then primary-key lookups).
        const bounded = siblings.find(
          (x) => /[<>]/.test(x.detail) || /SEARCH p USING PRIMARY KEY \(orgId=\? AND emailOnly=\? AND prefix=\?/.test(x.detail),
        );
        if (bounded) {
          notes.push(`bounded sort of a range of ${tableOf(bounded.detail)}: ${bounded.detail}`);
        } else {
          for (const sib of siblings) {
            problems.push(`sort of ${tableOf(sib.detail)} rows (${r.detail}) after ${sib.detail}`);
          }
        }
      }
    }
    return { sql: s.sql, plan, problems, notes };
  }
  const rows = (await ds.query(`EXPLAIN ${s.sql}`, s.parameters ?? [])) as Array<Record<string, unknown>>;
  const plan = rows.map(
    (r) =>
      `${String(r.select_type)} ${String(r.table)} type=${String(r.type)} key=${String(r.key)} rows=${String(r.rows)} ${String(r.Extra ?? '')}`,
  );
  for (const r of rows) {
    const t = aliases.get(String(r.table));
    if (!t) {
      continue;
    }
    const extra = String(r.Extra ?? '');
    if (r.type === 'ALL' || r.type === 'index') {
      problems.push(`full ${r.type === 'ALL' ? 'table' : 'index'} scan of ${t} (key ${String(r.key)}, ~${String(r.rows)} rows)`);
    }
    if (/Using filesort/.test(extra)) {
      // A range, or one prefix of the search index (`ref` on its primary key: that prefix's matches only).
      if (r.type === 'range' || (t === 'member_search_prefixes' && r.type === 'ref' && r.key === 'PRIMARY')) {
        notes.push(`bounded sort of a range of ${t} (key ${String(r.key)}, ~${String(r.rows)} rows)`);
      } else {
        problems.push(`filesort of ${t} after ${String(r.type)} on ${String(r.key)} (~${String(r.rows)} rows)`);
      }
    }
  }
  return { sql: s.sql, plan, problems, notes };
}

/** EXPLAINs every distinct checked SELECT (by SQL text) of a capture. */
export async function checkPlans(ds: DataSource, captured: CapturedStatement[]): Promise<PlanVerdict[]> {
  const seen = new Set<string>();
  const out: PlanVerdict[] = [];
  for (const s of captured) {
    if (!isCheckedSelect(s.sql) || seen.has(s.sql)) {
      continue;
    }
    seen.add(s.sql);
    out.push(await explainStatement(ds, s));
  }
  return out;
}
