import type { RequestContext } from '../../context';
import { SignInThrottle } from '../../entities';
import { rawExecute } from '../../db/raw';
import { hashToken } from '../../security/tokens';
import { addFailuresSql, secondsLocked, type FailurePolicy } from '../common/failure-counter';

/** 10 failed sign-ins for one email within 15 minutes lock it for 15 minutes (docs/security.md). */
const SIGN_IN_FAILURES: FailurePolicy = { maxFailures: 10, windowMs: 15 * 60 * 1000, lockMs: 15 * 60 * 1000 };

const COLUMNS = { count: 'failures', windowStart: 'windowStart', lockedUntil: 'lockedUntil' };

/**
 * Failed sign-ins per account, counted in the database (holds across processes). After
 * SIGN_IN_FAILURES.maxFailures failures within the window the account key is locked, even for a
 * correct password.
 */
export class SignInThrottleService {
  accountKey(email: string): string {
    return hashToken('sign-in:' + email.trim().toLowerCase());
  }

  /** Seconds until the lock ends, or 0 when not locked. */
  async lockedForSeconds(ctx: RequestContext, key: string): Promise<number> {
    const row = await ctx.manager.findOne(SignInThrottle, { where: { accountKey: key } });
    return secondsLocked(row?.lockedUntil);
  }

  /** One atomic statement per failure (the first failure of a key inserts its row). */
  async recordFailure(ctx: RequestContext, key: string): Promise<void> {
    const now = new Date();
    const { set, params } = addFailuresSql(COLUMNS, SIGN_IN_FAILURES, 1, now);
    const changed = await rawExecute(ctx.manager, `UPDATE sign_in_throttles SET ${set} WHERE accountKey = :key`, { ...params, key });
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
