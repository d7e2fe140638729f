/**
 * The closed vocabulary of the audit trail: every action a service writes and every outcome. The
 * stored names stay as they always were (rows, logs and the REST shim keep them); the GraphQL
 * schema offers them as the AuditAction and AuditOutcome enums (graphql/types/audit.types.ts,
 * one description per value, checked by the type checker).
 */
export const AUDIT_ACTION_NAMES = [
  'auth.sign_in',
  'auth.sign_out',
  'auth.who_am_i',
  'user.impersonate',
  'user.impersonate_stop',
  'user.create',
  'user.update',
  'user.email_change_requested',
  'user.email_change',
  'user.delete',
  'user.password_reset_issued',
  'user.activate',
  'user.invitation_accept',
  'user.change_password',
  'users.list',
  'users.get',
  'users.get_by_external_ref',
  'users.counts',
  'users.export',
  'membership.update',
  'membership.list_mfa_exemptions',
  'membership.mfa_opt_out_expired',
  'org.create',
  'org.set_mfa_required',
  'org.read_mfa_required',
  'mfa.generate_temp_secret',
  'mfa.validate_code',
  'mfa.factor_confirmed',
  'mfa.verify',
  'mfa.recovery_code_used',
  'mfa.regenerate_recovery_codes',
  'mfa.reset',
  'mfa.reset_own',
  'mfa.batched_attempts',
  'roles.list',
  'role.create',
  'role.assign',
  'role.unassign',
  'roles.removed_feed',
  'roles.updated_feed',
  'groups.list',
  'group.create',
  'group.add_member',
  'group.remove_member',
  'audit.read',
] as const;

/** An action a service writes. */
export type AuditActionName = (typeof AUDIT_ACTION_NAMES)[number];

/**
 * A refusal at a door, named after what was refused: `graphql.<Type>.<field>` (the authChecker)
 * or `rest.<METHOD> <path>` (a REST route). Unbounded names, so one kind each.
 */
type DoorActionName = `graphql.${string}` | `rest.${string}`;

/** What an audit row's `action` may hold. */
export type AuditAction = AuditActionName | DoorActionName;

/**
 * The kind of a stored action: the action itself, one of the two door kinds, or 'other' for a name
 * this version does not write (a row of an earlier version).
 */
export type AuditActionKind = AuditActionName | 'graphql.*' | 'rest.*' | 'other';

const KNOWN = new Set<string>(AUDIT_ACTION_NAMES);

export function auditActionKind(stored: string): AuditActionKind {
  if (KNOWN.has(stored)) {
    return stored as AuditActionName;
  }
  if (stored.startsWith('graphql.')) {
    return 'graphql.*';
  }
  return stored.startsWith('rest.') ? 'rest.*' : 'other';
}

/** 'success', or why the attempt was refused. */
export const AUDIT_OUTCOMES = [
  'success',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'RATE_LIMITED',
  'WRONG_PASSWORD',
  'INVALID_TOKEN',
  'INVALID_CODE',
  'MALFORMED_CODE',
  'REPLAY',
  'BATCH_REJECTED',
] as const;

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** An outcome as stored, or 'other' for one this version does not write. */
export type AuditOutcomeKind = AuditOutcome | 'other';

const OUTCOMES = new Set<string>(AUDIT_OUTCOMES);

export const auditOutcomeKind = (stored: string): AuditOutcomeKind => (OUTCOMES.has(stored) ? (stored as AuditOutcome) : 'other');

/** One entry of an audit row's changes: a field with its value before and after (null when there is none). */
export interface AuditChange {
  field: string;
  before: unknown;
  after: unknown;
}

/**
 * The stored `changes` object as a list: `{ field: { before, after } }` entries as they are; a
 * plain fact recorded with the event (`{ expiresAt: … }`, `{ rowCount: … }`) as its `after`.
 */
export function auditChangeList(stored: unknown): AuditChange[] {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) {
    return [];
  }
  return Object.entries(stored as Record<string, unknown>).map(([field, v]) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && ('before' in v || 'after' in v)) {
      const c = v as { before?: unknown; after?: unknown };
      return { field, before: c.before ?? null, after: c.after ?? null };
    }
    return { field, before: null, after: v ?? null };
  });
}
