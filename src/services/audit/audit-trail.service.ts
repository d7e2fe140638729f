import type { RequestContext } from '../../context';
import { BadUserInputError, assertThat } from '../../errors';
import { rawQuery, toDate } from '../../db/raw';
import type { AuditService } from './audit.service';
import {
  auditActionKind,
  auditChangeList,
  auditOutcomeKind,
  type AuditActionKind,
  type AuditChange,
  type AuditOutcomeKind,
} from './audit-vocabulary';
import { encodeCursor, type CursorKey } from '../../security/cursor';
import { Op, authorize } from '../access/policy';
import { dialectOf, tableWithIndex } from '../../db/dialect';
import { parseId } from '../common/ids';
import { PAGE_LIMITS, connectionOf, decodeIdCursor, pageWindow, type Connection, type PageArgs } from '../common/paging';
import { sessionOrgId } from '../common/tenancy';

interface AuditEventFilter {
  actorId?: string | number | null;
  targetUserId?: string | number | null;
  /** One kind of action; the two door kinds match every name of the kind. */
  action?: AuditActionKind | null;
  /** Exactly this stored action name. */
  actionName?: string | null;
  /** Inclusive. */
  from?: Date | null;
  /** Exclusive. */
  to?: Date | null;
}

export interface AuditEventsArgs extends PageArgs {
  filter?: AuditEventFilter | null;
}

interface AuditEventView {
  id: number;
  at: Date;
  action: AuditActionKind;
  actionName: string;
  outcome: AuditOutcomeKind;
  actorId: number | null;
  impersonatorId: number | null;
  targetUserId: number | null;
  changes: AuditChange[];
  requestId: string | null;
  ip: string | null;
}

export type AuditEventPage = Connection<AuditEventView>;

interface Row {
  id: unknown;
  at: unknown;
  action: string;
  outcome: string;
  actorUserId: unknown;
  impersonatorUserId: unknown;
  targetUserId: unknown;
  changes: string | null;
  requestId: string | null;
  ip: string | null;
}

const idOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The org's audit trail, newest first (rule 2: admin-only). Read-only: nothing here or anywhere
 * else updates or deletes an audit row.
 */
export class AuditTrailService {
  constructor(
    private readonly audit: AuditService,
    private readonly cursorKey: CursorKey,
  ) {}

  /**
   * A page of audit events, keyset on id (descending; backward pages walk it ascending) over the
   * index the filter picks: (orgId, targetUserId, id), (orgId, actorUserId, id), (orgId, action,
   * id) or (orgId, id). Other filter fields and the time window are checked on the rows that
   * index walks.
   */
  async listAuditEvents(ctx: RequestContext, args: AuditEventsArgs): Promise<AuditEventPage> {
    const s = await authorize(ctx, this.audit, Op.AuditRead, { action: 'audit.read' });
    const w = pageWindow(args, PAGE_LIMITS.audit);
    const f = args.filter ?? {};
    const params: Record<string, unknown> = { orgId: sessionOrgId(s) };
    const where = ['e.orgId = :orgId'];
    let index = 'IDX_audit_events_org_id';
    const exact = this.exactActionFilter(f);
    if (exact.kind === 'equals') {
      where.push('e.action = :action');
      params.action = exact.name;
      index = 'IDX_audit_events_org_action';
    } else if (exact.kind === 'prefix') {
      // A range of the same index: every door refusal of the kind ('graphql.' <= action < 'graphql/').
      where.push('e.action >= :actionFrom AND e.action < :actionTo');
      params.actionFrom = exact.prefix;
      params.actionTo = exact.prefix.slice(0, -1) + String.fromCharCode(exact.prefix.charCodeAt(exact.prefix.length - 1) + 1);
      index = 'IDX_audit_events_org_action';
    }
    if (f.actorId != null) {
      where.push('e.actorUserId = :actorId');
      params.actorId = parseId(f.actorId, 'filter.actorId');
      index = 'IDX_audit_events_org_actor';
    }
    if (f.targetUserId != null) {
      where.push('e.targetUserId = :targetUserId');
      params.targetUserId = parseId(f.targetUserId, 'filter.targetUserId');
      index = 'IDX_audit_events_org_target';
    }
    for (const [key, op] of [
      ['from', '>='],
      ['to', '<'],
    ] as const) {
      const d = f[key];
      if (d != null) {
        assertThat(
          d instanceof Date && !Number.isNaN(d.getTime()),
          () => new BadUserInputError(`${key} must be a date-time.`, `filter.${key}`),
        );
        where.push(`e.at ${op} :${key}`);
        params[key] = d;
      }
    }
    const binding = JSON.stringify([
      'audit',
      sessionOrgId(s),
      f.action ?? null,
      f.actionName ?? null,
      params.actorId ?? null,
      params.targetUserId ?? null,
      f.from?.toISOString() ?? null,
      f.to?.toISOString() ?? null,
    ]);
    const cursorId = decodeIdCursor(this.cursorKey, binding, w);
    const table = tableWithIndex(dialectOf(s), 'audit_events', 'e', index);
    // Newest first is id DESC; a backward page (and the probe against a forward one) walks id ASC.
    const walk = (fromId: number | null, backward: boolean, limit: number): Promise<Row[]> =>
      rawQuery<Row>(
        s.manager,
        `SELECT e.id, e.at, e.action, e.outcome, e.actorUserId, e.impersonatorUserId, e.targetUserId, e.changes, e.requestId, e.ip
           FROM ${table}
          WHERE ${[...where, ...(fromId === null ? [] : [`e.id ${backward ? '>' : '<'} :fromId`])].join(' AND ')}
          ORDER BY e.id ${backward ? 'ASC' : 'DESC'} LIMIT ${limit}`,
        { ...params, fromId },
      );
    const rows = await walk(cursorId, w.backward, w.size + 1);
    return connectionOf(rows, w, {
      node: (r): AuditEventView => ({
        id: Number(r.id),
        at: toDate(r.at)!,
        action: auditActionKind(r.action),
        actionName: r.action,
        outcome: auditOutcomeKind(r.outcome),
        actorId: idOrNull(r.actorUserId),
        impersonatorId: idOrNull(r.impersonatorUserId),
        targetUserId: idOrNull(r.targetUserId),
        changes: r.changes ? auditChangeList(JSON.parse(r.changes)) : [],
        requestId: r.requestId,
        ip: r.ip,
      }),
      cursor: (r) => encodeCursor(this.cursorKey, binding, { id: Number(r.id) }),
      behind: async (r) => (await walk(Number(r.id), !w.backward, 1)).length > 0,
    });
  }

  /** The filter's action as SQL: one stored name, a door kind's prefix, or nothing. */
  private exactActionFilter(f: AuditEventFilter): { kind: 'none' } | { kind: 'equals'; name: string } | { kind: 'prefix'; prefix: string } {
    if (f.actionName != null) {
      assertThat(f.actionName.length <= 64, () => new BadUserInputError('actionName is at most 64 characters.', 'filter.actionName'));
      assertThat(
        f.action == null || auditActionKind(f.actionName) === f.action,
        () => new BadUserInputError('action and actionName name different actions.', 'filter.actionName'),
      );
      return { kind: 'equals', name: f.actionName };
    }
    if (f.action == null) {
      return { kind: 'none' };
    }
    assertThat(
      f.action !== 'other',
      () => new BadUserInputError('OTHER is not a filter: use actionName with the stored name.', 'filter.action'),
    );
    return f.action === 'graphql.*' || f.action === 'rest.*'
      ? { kind: 'prefix', prefix: f.action.slice(0, -1) }
      : { kind: 'equals', name: f.action };
  }
}
