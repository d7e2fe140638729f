import type { EntityManager } from 'typeorm';
import type { Principal, RequestContext } from '../../context';
import { Session } from '../../entities';
import type { SessionKindValue } from '../../entities/session.entity';
import { rawExecute, rawQuery, toBool, toDate } from '../../db/raw';
import { hashToken, newOpaqueToken } from '../../security/tokens';

export interface NewSession {
  userId: number;
  orgId: number;
  membershipId: number;
  kind: SessionKindValue;
  impersonatorUserId?: number | null;
  ttlSeconds: number;
}

interface PrincipalRow {
  id: number;
  userId: number;
  orgId: number;
  membershipId: number;
  kind: SessionKindValue;
  impersonatorUserId: number | null;
  expiresAt: unknown;
  isAdmin: unknown;
}

/**
 * The principal behind a token hash (:hash, :now, :yes, :active). Exported so that the benchmark's raw
 * baseline runs exactly this statement.
 */
export const PRINCIPAL_SQL = `SELECT s.id, s.userId, s.orgId, s.membershipId, s.kind, s.impersonatorUserId, s.expiresAt, m.isAdmin
         FROM sessions s
         JOIN memberships m ON m.id = s.membershipId
         JOIN users u ON u.id = s.userId
         LEFT JOIN memberships im ON im.orgId = s.orgId AND im.userId = s.impersonatorUserId
        WHERE s.tokenHash = :hash AND s.revokedAt IS NULL AND s.expiresAt > :now
          AND m.isActive = :yes AND m.status = :active AND u.deletedAt IS NULL
          AND (s.impersonatorUserId IS NULL OR (im.isActive = :yes AND im.isAdmin = :yes AND im.status = :active))`;

/** Opaque bearer sessions stored as SHA-256 hashes. Everything lives in the database (stateless processes). */
export class SessionService {
  /** Creates a session and returns its bearer token (the only time the token exists in clear). */
  async create(ctx: RequestContext, s: NewSession): Promise<{ token: string; expiresAt: Date }> {
    const token = newOpaqueToken();
    const expiresAt = new Date(Date.now() + s.ttlSeconds * 1000);
    await ctx.manager.insert(Session, {
      tokenHash: hashToken(token),
      userId: s.userId,
      orgId: s.orgId,
      membershipId: s.membershipId,
      kind: s.kind,
      impersonatorUserId: s.impersonatorUserId ?? null,
      expiresAt,
      revokedAt: null,
    });
    return { token, expiresAt };
  }

  /**
   * The principal for a bearer token, or null when the token is unknown, revoked, expired, or
   * its membership is no longer active (so a deactivation takes effect on the next request).
   * An impersonation session also ends as soon as its impersonator is no longer an active admin
   * of the org (demoted, deactivated, removed): one extra join on the unique (orgId, userId) index.
   */
  async resolve(manager: EntityManager, token: string): Promise<Principal | null> {
    if (!token || token.length > 128) {
      return null;
    }
    const rows = await rawQuery<PrincipalRow>(manager, PRINCIPAL_SQL, {
      hash: hashToken(token),
      now: new Date(),
      yes: true,
      active: 'active',
    });
    const r = rows[0];
    if (!r) {
      return null;
    }
    return {
      sessionId: Number(r.id),
      userId: Number(r.userId),
      orgId: Number(r.orgId),
      membershipId: Number(r.membershipId),
      kind: r.kind,
      impersonatorUserId: r.impersonatorUserId == null ? null : Number(r.impersonatorUserId),
      // An impersonation session acts as a non-admin, whatever the flags say.
      isAdmin: toBool(r.isAdmin) && r.impersonatorUserId == null,
      expiresAt: toDate(r.expiresAt)!,
    };
  }

  async revoke(ctx: RequestContext, sessionId: number): Promise<void> {
    await rawExecute(ctx.manager, 'UPDATE sessions SET revokedAt = :now WHERE id = :id AND revokedAt IS NULL', {
      now: new Date(),
      id: sessionId,
    });
  }

  /** Ends every session of one membership (deactivation, MFA reset, admin loss, deletion). */
  async revokeForMembership(ctx: RequestContext, membershipId: number): Promise<number> {
    return rawExecute(ctx.manager, 'UPDATE sessions SET revokedAt = :now WHERE membershipId = :id AND revokedAt IS NULL', {
      now: new Date(),
      id: membershipId,
    });
  }

  /** Ends every session of a user in every org, except one (password change keeps the caller's). */
  async revokeForUser(ctx: RequestContext, userId: number, exceptSessionId: number | null = null): Promise<number> {
    return rawExecute(ctx.manager, 'UPDATE sessions SET revokedAt = :now WHERE userId = :id AND revokedAt IS NULL AND id <> :except', {
      now: new Date(),
      id: userId,
      except: exceptSessionId ?? -1,
    });
  }
}
