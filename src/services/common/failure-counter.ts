/**
 * The one failure counter: "N failures within a window lock for a while", kept on a row of the
 * database so the limit holds across sessions, addresses and server processes. Sign-in throttling
 * (per account key) and MFA attempts (per factor) both count with it.
 */
export interface FailureCounterColumns {
  /** How many failures in the current window. */
  count: string;
  /** When the current window started (NULL = no window yet). */
  windowStart: string;
  /** Until when the row is locked (NULL = not locked). */
  lockedUntil: string;
}

export interface FailurePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/**
 * The SET clause (and its parameters) that adds `n` failures at `now` in ONE atomic statement:
 * a window older than the policy's starts afresh, reaching maxFailures sets the lock, and the
 * count never goes past maxFailures. The assignment order matters: MySQL evaluates SET left to
 * right with already-updated values, SQLite with the old values; each assignment below reads
 * only columns assigned after it, so both engines compute the same row.
 */
export function addFailuresSql(
  c: FailureCounterColumns,
  policy: FailurePolicy,
  n: number,
  now: Date,
): { set: string; params: Record<string, unknown> } {
  const inWindow = `${c.windowStart} >= :fcWindowFloor`;
  const counted = `CASE WHEN ${inWindow} THEN ${c.count} + :fcN ELSE :fcN END`;
  return {
    set: [
      `${c.lockedUntil} = CASE WHEN (${counted}) >= :fcMax THEN :fcLockUntil ELSE ${c.lockedUntil} END`,
      `${c.count} = CASE WHEN (${counted}) > :fcMax THEN :fcMax ELSE ${counted} END`,
      `${c.windowStart} = CASE WHEN ${inWindow} THEN ${c.windowStart} ELSE :fcNow END`,
    ].join(', '),
    params: {
      fcN: n,
      fcNow: now,
      fcMax: policy.maxFailures,
      fcWindowFloor: new Date(now.getTime() - policy.windowMs),
      fcLockUntil: new Date(now.getTime() + policy.lockMs),
    },
  };
}

/**
 * Reserving an attempt BEFORE it is checked (docs/product.md rule 13): the SET of one failure
 * (addFailuresSql) and the WHERE that lets it match only while the row has a free slot: not
 * locked, and its window over or below maxFailures. One conditional UPDATE takes the slot, so
 * however many requests race, on however many processes, at most maxFailures attempts per window
 * get past it; the one that took the last slot also set the lock. A success clears the counter
 * (and that lock) afterwards; a failure has been counted already.
 */
export function reserveAttemptSql(
  c: FailureCounterColumns,
  policy: FailurePolicy,
  now: Date,
): { set: string; where: string; params: Record<string, unknown> } {
  const { set, params } = addFailuresSql(c, policy, 1, now);
  const where = `(${c.lockedUntil} IS NULL OR ${c.lockedUntil} <= :fcNow) AND (${c.windowStart} IS NULL OR ${c.windowStart} < :fcWindowFloor OR ${c.count} < :fcMax)`;
  return { set, where, params };
}

/** Seconds until `lockedUntil`, or 0 when it is not in the future. */
export function secondsLocked(lockedUntil: Date | null | undefined, nowMs = Date.now()): number {
  const until = lockedUntil?.getTime() ?? 0;
  return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
}
