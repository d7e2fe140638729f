import { rawQuery } from '../../src/db/raw';
import type { TestApp } from './app';

/** An audit row as stored, with `changes` parsed. */
export interface AuditRow {
  id: number;
  orgId: number | null;
  action: string;
  outcome: string;
  actorUserId: number | null;
  impersonatorUserId: number | null;
  targetUserId: number | null;
  changes: Record<string, any> | null;
  requestId: string | null;
  ip: string | null;
}

export type AuditWhere = Partial<Pick<AuditRow, 'action' | 'outcome' | 'orgId' | 'actorUserId' | 'targetUserId'>>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The audit rows matching every given column, oldest first. */
export async function auditRows(app: TestApp, where: AuditWhere = {}): Promise<AuditRow[]> {
  const conds = Object.keys(where).map((k) => `${k} = :${k}`);
  const rows = await rawQuery<Record<string, unknown>>(
    app.ds.manager,
    `SELECT id, orgId, action, outcome, actorUserId, impersonatorUserId, targetUserId, changes, requestId, ip
       FROM audit_events WHERE ${['1 = 1', ...conds].join(' AND ')} ORDER BY id`,
    where,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    orgId: num(r.orgId),
    action: String(r.action),
    outcome: String(r.outcome),
    actorUserId: num(r.actorUserId),
    impersonatorUserId: num(r.impersonatorUserId),
    targetUserId: num(r.targetUserId),
    changes: r.changes ? JSON.parse(String(r.changes)) : null,
    requestId: (r.requestId as string | null) ?? null,
    ip: (r.ip as string | null) ?? null,
  }));
}

export async function countRows(app: TestApp, table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
  const rows: Array<{ n: unknown }> = await app.ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(rows[0].n);
}

/** Row counts of every table a user mutation may touch: compare before/after to prove nothing was left behind. */
export async function tableCounts(app: TestApp): Promise<Record<string, number>> {
  const tables = [
    'users',
    'memberships',
    'password_tokens',
    'notification_outbox',
    'sessions',
    'audit_events',
    'mfa_factors',
    'role_assignments',
    'user_group_members',
  ];
  const out: Record<string, number> = {};
  for (const t of tables) {
    out[t] = await countRows(app, t);
  }
  return out;
}
