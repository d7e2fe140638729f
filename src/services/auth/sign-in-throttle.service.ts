import { RateLimitedError } from '../../errors';
import type { RequestContext } from '../../context';
import { SignInThrottle } from '../../entities';
import { rawExecute } from '../../db/raw';
import { withTransaction } from '../../db/transaction';
import { hashToken } from '../../security/tokens';
import { reserveAttemptSql, secondsLocked, type FailurePolicy } from '../common/failure-counter';

/** 10 failed sign-ins for one email within 15 minutes lock it for 15 minutes (docs/security.md). */
const SIGN_IN_FAILURES: FailurePolicy = { maxFailures: 10, windowMs: 15 * 60 * 1000, lockMs: 15 * 60 * 1000 };

const COLUMNS = { count: 'failures', windowStart: 'windowStart', lockedUntil: 'lockedUntil' };

/**
 * Password checks per account, counted in the database (holds across processes). Every check
 * (sign-in, changePassword, joining an org with an existing account, confirming an email change)
 * first reserves an attempt slot with one conditional UPDATE, so a burst of concurrent guesses
 * gets at most SIGN_IN_FAILURES.maxFailures passwords checked per window; after that the account
 * key is locked, even for a correct password. A success clears the counter.
 */
export class SignInThrottleService {
  accountKey(email: string): string {
    return hashToken('sign-in:' + email.trim().toLowerCase());
  }

  /**
   * Takes an attempt slot for the key (counted as a failure until reset), in its own committed
   * transaction. Returns 0 when taken, otherwise the seconds until the lock ends (the caller
   * answers RATE_LIMITED without checking the password).
   */
  async reserve(ctx: RequestContext, key: string): Promise<number> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const now = new Date();
      const { set, where, params } = reserveAttemptSql(COLUMNS, SIGN_IN_FAILURES, now);
      const taken = await withTransaction(ctx, (tx) =>
        rawExecute(tx.manager, `UPDATE sign_in_throttles SET ${set} WHERE accountKey = :key AND ${where}`, { ...params, key }),
      );
      if (taken === 1) {
        return 0;
      }
      let row = await ctx.manager.findOne(SignInThrottle, { where: { accountKey: key } });
      if (!row) {
        try {
          // The key's first attempt: its row.
          await withTransaction(ctx, (tx) =>
            tx.manager.insert(SignInThrottle, { accountKey: key, failures: 1, windowStart: now, lockedUntil: null }),
          );
          return 0;
        } catch (e) {
          // A concurrent first attempt inserted it (a primary-key violation); anything else is a failure.
          row = await ctx.manager.findOne(SignInThrottle, { where: { accountKey: key } });
          if (!row) {
            throw e;
          }
        }
      }
      const locked = secondsLocked(row.lockedUntil);
      if (locked > 0) {
        return locked;
      }
      // A concurrent first attempt inserted the row between our UPDATE and INSERT: reserve on it.
    }
    return Math.ceil(SIGN_IN_FAILURES.lockMs / 1000);
  }

  /**
   * Gives back a slot taken by reserve() for a check that never ran (the password-hashing queue
   * was full): a refusal for load is not a guess at the password.
   */
  async release(ctx: RequestContext, key: string): Promise<void> {
    await withTransaction(ctx, (tx) =>
      rawExecute(tx.manager, 'UPDATE sign_in_throttles SET failures = failures - 1 WHERE accountKey = :key AND failures > 0', { key }),
    );
  }

  /** Runs a password check under a slot taken by reserve(): a check refused for load gives its slot back. */
  async checking<T>(ctx: RequestContext, key: string, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (e) {
      if (e instanceof RateLimitedError) {
        await this.release(ctx, key);
      }
      throw e;
    }
  }

  async reset(ctx: RequestContext, key: string): Promise<void> {
    await ctx.manager.delete(SignInThrottle, { accountKey: key });
  }
}
