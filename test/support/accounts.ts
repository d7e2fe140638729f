import type { FindOptionsWhere } from 'typeorm';
import { AuditEvent } from '../../src/entities';
import type { TestApp } from './harness';

/** GraphQL documents and row helpers shared by the accounts-*.test.ts files. */
export const CREATE_USER = `mutation($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id firstName lastName email externalRef language }
    membership { isAdmin isActive excludeFromMembershipCount }
    activation { token purpose expiresAt }
  }
}`;
export const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) {
  updateUser(userId: $id, input: $input) { id firstName lastName email language externalRef }
}`;
export const DELETE_USER = 'mutation($id: ID!) { deleteUser(userId: $id) }';
export const ACTIVATE = 'mutation($t: String!, $p: String!) { activateAccount(token: $t, password: $p) }';
export const ISSUE_RESET = 'mutation($id: ID!) { issuePasswordReset(userId: $id) { token purpose expiresAt } }';
export const CHANGE_PASSWORD = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
export const IMPERSONATE = 'mutation($id: ID!) { impersonate(userId: $id) { token expiresAt user { id firstName } } }';
export const STOP_IMPERSONATING = 'mutation { stopImpersonating }';
export const ME = '{ me { user { id } membership { isAdmin } sessionKind impersonator { id firstName } } }';

export async function auditRows(app: TestApp, where: FindOptionsWhere<AuditEvent>): Promise<AuditEvent[]> {
  return app.ds.getRepository(AuditEvent).find({ where, order: { id: 'ASC' } });
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

export const STRONG_PASSWORD = 'violet-Harbour-kettle-42';
