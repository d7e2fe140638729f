import type { RequestContext, SessionContext } from '../../context';
import { Membership, type Org } from '../../entities';
import { BadUserInputError, ConflictError, ForbiddenError, StaleVersionError } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { claimRow, supportsRowLocks } from '../../db/locks';
import { rawExecute, rawQuery } from '../../db/raw';
import { epochMicros, nowInstant } from '../../db/instant';
import { touchRoleFeeds } from '../roles/role-feed-stamps';
import type { AuditService, FieldChanges } from '../audit/audit.service';
import { Op, authorize, authorizeMemberRef } from '../access/policy';
import type { NotificationService } from '../notifications/notification.service';
import type { SessionService } from '../auth/session.service';
import { isOptOutEffective } from '../mfa/mfa-policy';
import { refId, type MemberRef } from '../common/ids';
import { loadCurrentOrg, loadMember, sessionOrgId } from '../common/tenancy';
import { moveMemberCounters } from './member-counters';
import { MEMBERSHIP_FLAGS, assertAdminOrAdvanced, parseMembershipPatch, parseVersion, type MembershipPatch } from './membership-fields';

const MEMBERSHIP_UPDATE_ACTION = 'membership.update';
const ORG_SET_MFA_REQUIRED_ACTION = 'org.set_mfa_required';
const ORG_READ_MFA_REQUIRED_ACTION = 'org.read_mfa_required';

/** The stored columns an update may write (the flags plus the opt-out bookkeeping). */
const COLUMNS = [...MEMBERSHIP_FLAGS, 'mfaOptOutUntil', 'mfaOptOutReason', 'mfaOptOutAt', 'mfaOptOutByUserId'] as const;
/** The flags a patch sets as they are (the opt-out has its own bookkeeping, below). */
const PLAIN_FLAGS = MEMBERSHIP_FLAGS.filter((f) => f !== 'mfaOptOut');
type Column = (typeof COLUMNS)[number];
type State = Pick<Membership, Column>;

/** Rule 5: what an admin may not change on their own membership. */
const SELF_LOCKED: readonly Column[] = ['isAdmin', 'isActive', 'mfaOptOut', 'mfaOptOutUntil', 'mfaOptOutReason'];
/** Patch keys that can move the org's counters or its set of admins: they take the org row lock. */
const ORG_KEYS = ['isActive', 'isAdmin', 'excludeFromMembershipCount'] as const;
/** Bounded retries when a concurrent writer bumped the version between our read and our UPDATE. */
const MAX_ATTEMPTS = 5;

class LostRace extends Error {}

const same = (a: unknown, b: unknown): boolean =>
  a instanceof Date || b instanceof Date ? a instanceof Date && b instanceof Date && epochMicros(a) === epochMicros(b) : a === b;
const auditValue = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);
const activeAdmin = (s: Pick<State, 'isActive' | 'isAdmin'>): boolean => s.isActive && s.isAdmin;
/** An admin who has joined: an invitation carrying isAdmin is nobody's admin yet. */
const joinedAdmin = (m: Pick<Membership, 'isActive' | 'isAdmin' | 'status'>): boolean => m.status === 'active' && activeAdmin(m);

type Outcome = { kind: 'done'; membership: Membership } | { kind: 'denied'; targetUserId: number; message: string };

/** Admin operations on memberships and on the org's MFA setting (docs/product.md rules 2, 5-9, 17-20). */
export class MembershipService {
  constructor(
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly notifications: NotificationService,
  ) {}

  /**
   * Partial update of one member's flags (rule 17: keys not sent stay as they are). `patch` is
   * untrusted (GraphQL input or parsed REST JSON) and validated here: unknown keys, wrong types
   * and explicit nulls for flags are BAD_USER_INPUT naming the field. Guarantees: admin only
   * (refusals audited); other orgs' users are NOT_FOUND; an admin cannot change their own
   * isAdmin/isActive/opt-out (FORBIDDEN, audited); the org keeps an active admin (CONFLICT);
   * never isAdmin together with hasAdvancedPermissions (BAD_USER_INPUT); seat limit
   * (SEAT_LIMIT_REACHED); a stale `version` is CONFLICT; the change, its counters, session
   * revocation, notification and audit row commit together or not at all; a no-op writes nothing.
   */
  async updateMembership(ctx: RequestContext, ref: MemberRef, patch: unknown, version?: unknown): Promise<Membership> {
    const s = await authorize(ctx, this.audit, Op.MembershipUpdate, { action: MEMBERSHIP_UPDATE_ACTION, target: { userId: refId(ref) } });
    await authorizeMemberRef(s, this.audit, ref, MEMBERSHIP_UPDATE_ACTION);
    const now = nowInstant();
    const p = parseMembershipPatch(patch, now);
    const expected = parseVersion(version);
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await withTransaction(s, (tx) => this.apply(tx as SessionContext, ref, p, expected, now));
        if (outcome.kind === 'denied') {
          // Audited after the (write-free) transaction ended, so the record is not rolled back with it.
          await this.audit.recordDenied(s, { action: MEMBERSHIP_UPDATE_ACTION, targetUserId: outcome.targetUserId }, 'FORBIDDEN');
          throw new ForbiddenError(outcome.message);
        }
        return outcome.membership;
      } catch (e) {
        if (!(e instanceof LostRace)) {
          throw e;
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new ConflictError('The membership is being changed concurrently; try again.');
        }
      }
    }
  }

  private async apply(
    tx: SessionContext,
    ref: MemberRef,
    patch: MembershipPatch,
    expected: number | undefined,
    now: Date,
  ): Promise<Outcome> {
    const orgId = tx.principal.orgId;
    const touchesOrg = ORG_KEYS.some((k) => k in patch);
    if (touchesOrg) {
      // Org row first, then the membership row: one lock order for every writer that can change
      // counters or admins, so two admins demoting each other are serialised, not interleaved.
      await claimRow(tx.manager, 'orgs', orgId);
    }
    const { user, membership } = await loadMember(tx, ref);
    // A locking read is a current read on MySQL (not the transaction's snapshot): the values we
    // diff against are the latest committed ones, and no one else writes them until we end.
    const current = (await tx.manager.findOne(Membership, {
      where: { id: membership.id },
      ...(supportsRowLocks(tx.manager) ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    }))!;
    if (expected !== undefined && current.version !== expected) {
      throw new StaleVersionError();
    }
    const next = this.nextState(current, patch, tx.principal.userId, now);

    const changed = COLUMNS.filter((c) => !same(current[c], next[c]));
    if (changed.length === 0) {
      return { kind: 'done', membership: current };
    }
    const selfChange = user.id === tx.principal.userId ? SELF_LOCKED.find((c) => changed.includes(c)) : undefined;
    if (selfChange) {
      return { kind: 'denied', targetUserId: user.id, message: `An admin cannot change their own ${selfChange}.` };
    }
    if (touchesOrg && !(await this.isActiveAdmin(tx, tx.principal.membershipId))) {
      // The caller was demoted or deactivated by a transaction that committed after this request was authorised.
      return { kind: 'denied', targetUserId: user.id, message: 'Only an admin of this org may do this.' };
    }
    if (joinedAdmin(current) && !activeAdmin(next)) {
      await this.assertAnotherActiveAdmin(tx, orgId, current.id);
    }
    await moveMemberCounters(tx.manager, orgId, current, { ...next, status: current.status });

    const params: Record<string, unknown> = { id: current.id, version: current.version, now: new Date() };
    for (const c of changed) {
      params[c] = next[c];
    }
    // Every SET value is a parameter (or version + 1), so MySQL's left-to-right evaluation and
    // SQLite's old-value semantics give the same result.
    // A new or changed opt-out (or none) has not expired yet: its expiry gets its own notice.
    const newOptOut = changed.includes('mfaOptOut') || changed.includes('mfaOptOutUntil');
    const rows = await rawExecute(
      tx.manager,
      `UPDATE memberships SET ${changed.map((c) => `${c} = :${c}`).join(', ')}, version = version + 1, updatedAt = :now
        ${newOptOut ? ', mfaOptOutExpiryNotifiedAt = NULL' : ''}
        WHERE id = :id AND version = :version`,
      params,
    );
    if (rows !== 1) {
      if (expected !== undefined) {
        throw new StaleVersionError();
      }
      throw new LostRace();
    }
    // The member's record changed: their role assignments show in usersUpdatedByRole.
    await touchRoleFeeds(tx.manager, user.id, [orgId]);
    if ((current.isActive && !next.isActive) || (current.isAdmin && !next.isAdmin)) {
      // Rule 8: effective on the member's next request.
      await this.sessions.revokeForMembership(tx, current.id);
    }
    if (!isOptOutEffective(current.mfaOptOut, current.mfaOptOutUntil, now) && isOptOutEffective(next.mfaOptOut, next.mfaOptOutUntil, now)) {
      await this.notifications.enqueue(tx, user.id, 'mfa_opt_out_granted', {
        until: next.mfaOptOutUntil ? next.mfaOptOutUntil.toISOString() : null,
      });
    }
    const changes: FieldChanges = {};
    for (const c of changed) {
      changes[c] = { before: auditValue(current[c]), after: auditValue(next[c]) };
    }
    await this.audit.recordChange(tx, { action: MEMBERSHIP_UPDATE_ACTION, targetUserId: user.id, changes });
    return { kind: 'done', membership: (await tx.manager.findOne(Membership, { where: { id: current.id } }))! };
  }

  /**
   * The state after the patch, with the opt-out bookkeeping: granting (an opt-out that was not in
   * effect becomes effective) records when and by whom; `mfaOptOut: true` on an expired opt-out
   * grants it again without an end date unless one is sent; turning it off clears it all.
   */
  private nextState(current: State, patch: MembershipPatch, adminUserId: number, now: Date): State {
    const next: State = { ...pickState(current) };
    for (const k of PLAIN_FLAGS) {
      if (patch[k] !== undefined) {
        next[k] = patch[k];
      }
    }
    assertAdminOrAdvanced(next, patch);

    const wasEffective = isOptOutEffective(current.mfaOptOut, current.mfaOptOutUntil, now);
    if (patch.mfaOptOut === false) {
      for (const f of ['mfaOptOutUntil', 'mfaOptOutReason'] as const) {
        if (patch[f] != null) {
          throw new BadUserInputError(`${f} can only be set together with an MFA opt-out.`, f);
        }
      }
      return { ...next, mfaOptOut: false, mfaOptOutUntil: null, mfaOptOutReason: null, mfaOptOutAt: null, mfaOptOutByUserId: null };
    }
    if (patch.mfaOptOut === true) {
      next.mfaOptOut = true;
      if (!wasEffective && patch.mfaOptOutUntil === undefined) {
        next.mfaOptOutUntil = null;
      }
    }
    if (!next.mfaOptOut) {
      for (const f of ['mfaOptOutUntil', 'mfaOptOutReason'] as const) {
        if (patch[f] != null) {
          throw new BadUserInputError(`${f} can only be set together with an MFA opt-out.`, f);
        }
      }
      return next;
    }
    if (patch.mfaOptOutUntil !== undefined) {
      next.mfaOptOutUntil = patch.mfaOptOutUntil;
    }
    if (patch.mfaOptOutReason !== undefined) {
      next.mfaOptOutReason = patch.mfaOptOutReason;
    }
    if (!wasEffective && isOptOutEffective(next.mfaOptOut, next.mfaOptOutUntil, now)) {
      next.mfaOptOutAt = now;
      next.mfaOptOutByUserId = adminUserId;
    }
    return next;
  }

  private async isActiveAdmin(tx: SessionContext, membershipId: number): Promise<boolean> {
    const m = await tx.manager.findOne(Membership, { where: { id: membershipId } });
    return !!m && joinedAdmin(m);
  }

  /** Rule 5: called under the org row lock, so concurrent demotions see each other's commits. */
  private async assertAnotherActiveAdmin(tx: SessionContext, orgId: number, membershipId: number): Promise<void> {
    const rows = await rawQuery<{ n: unknown }>(
      tx.manager,
      `SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.userId AND u.deletedAt IS NULL
        WHERE m.orgId = :orgId AND m.isAdmin = :yes AND m.isActive = :yes AND m.status = :active AND m.id <> :membershipId`,
      { orgId, membershipId, yes: true, active: 'active' },
    );
    if (Number(rows[0]?.n ?? 0) === 0) {
      throw new ConflictError('The org must keep at least one active admin.');
    }
  }

  /**
   * Turns the org's MFA enforcement on or off (the "Enforce org-level MFA" setting; REST
   * `PUT /user/org/mfa {"enabled": ...}` passes `inputField: 'enabled'`). Admin only, audited;
   * setting the current value records nothing. Takes effect at each member's next sign-in:
   * existing sessions are not ended.
   */
  async setOrgMfaRequired(ctx: RequestContext, required: unknown, inputField = 'required'): Promise<Org> {
    const s = await authorize(ctx, this.audit, Op.OrgMfaSet, { action: ORG_SET_MFA_REQUIRED_ACTION });
    if (typeof required !== 'boolean') {
      throw new BadUserInputError(`${inputField} must be true or false.`, inputField);
    }
    return withTransaction(s, async (tx) => {
      const rows = await rawExecute(
        tx.manager,
        'UPDATE orgs SET mfaRequired = :required, updatedAt = :now WHERE id = :id AND mfaRequired <> :required',
        { required, now: new Date(), id: sessionOrgId(s) },
      );
      if (rows === 1) {
        await this.audit.recordChange(tx, {
          action: ORG_SET_MFA_REQUIRED_ACTION,
          changes: { mfaRequired: { before: !required, after: required } },
        });
      }
      return loadCurrentOrg(tx as SessionContext);
    });
  }

  /**
   * The org's "Enforce org-level MFA" setting (REST `GET /user/org/mfa`). Admin only, the same
   * access as changing it (refusals audited).
   */
  async orgMfaRequired(ctx: RequestContext): Promise<boolean> {
    const s = await authorize(ctx, this.audit, Op.OrgMfaRead, { action: ORG_READ_MFA_REQUIRED_ACTION });
    return (await loadCurrentOrg(s)).mfaRequired;
  }
}

function pickState(m: State): State {
  const s = {} as Record<Column, unknown>;
  for (const c of COLUMNS) {
    s[c] = m[c];
  }
  return s as State;
}
