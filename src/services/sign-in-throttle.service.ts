import type { RequestContext } from '../context';
import { SignInThrottle } from '../entities';
import { rawExecute } from '../db/raw';
import { hashToken } from '../security/tokens';

export const SIGN_IN_MAX_FAILURES = 10;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const SIGN_IN_LOCK_MS = 15 * 60 * 1000;

/**
 * Failed sign-ins per account, counted in the database (holds across processes). After
 * SIGN_IN_MAX_FAILURES failures within the window the account key is locked for SIGN_IN_LOCK_MS,
 * even for a correct password.
 */
export class SignInThrottleService {
  accountKey(email: string): string {
    return hashToken('sign-in:' + email.trim().toLowerCase());
  }

  /** Seconds until the lock ends, or 0 when not locked. */
  async lockedForSeconds(ctx: RequestContext, key: string): Promise<number> {
    const row = await ctx.manager.findOne(SignInThrottle, { where: { accountKey: key } });
    const until = row?.lockedUntil?.getTime() ?? 0;
    return until > Date.now() ? Math.ceil((until - Date.now()) / 1000) : 0;
  }

  /**
   * One atomic statement per failure. The SET list is ordered so that MySQL (which evaluates
   * assignments left to right with already-updated values) and SQLite (which uses the old
   * values) compute the same result: each assignment reads only columns assigned after it.
   */
  async recordFailure(ctx: RequestContext, key: string): Promise<void> {
    const now = new Date();
    const windowFloor = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
    const lockUntil = new Date(now.getTime() + SIGN_IN_LOCK_MS);
    const params = { key, now, windowFloor, lockUntil, max: SIGN_IN_MAX_FAILURES };
    const changed = await rawExecute(
      ctx.manager,
      `UPDATE sign_in_throttles SET
         lockedUntil = CASE WHEN windowStart >= :windowFloor AND failures + 1 >= :max THEN :lockUntil ELSE lockedUntil END,
         failures = CASE WHEN windowStart >= :windowFloor THEN failures + 1 ELSE 1 END,
         windowStart = CASE WHEN windowStart >= :windowFloor THEN windowStart ELSE :now END
       WHERE accountKey = :key`,
      params,
    );
    if (changed === 0) {
      try {
        await ctx.manager.insert(SignInThrottle, { accountKey: key, failures: 1, windowStart: now, lockedUntil: null });
      } catch {
        // A concurrent first failure inserted the row: count this one on it.
        await this.recordFailure(ctx, key);
      }
    }
  }

  async reset(ctx: RequestContext, key: string): Promise<void> {
    await ctx.manager.delete(SignInThrottle, { accountKey: key });
  }
}
