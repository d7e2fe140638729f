import { epochMicros } from '../../db/instant';

/** What sign-in must ask of a member, from the org's setting, the member's opt-out and factor. */
export type MfaRequirement = 'none' | 'challenge' | 'enroll';

export interface MfaPolicyInput {
  orgMfaRequired: boolean;
  mfaOptOut: boolean;
  mfaOptOutUntil: Date | null;
  hasConfirmedFactor: boolean;
}

/** An opt-out with a past end date is simply enforcement again: no job has to clear it. */
export function isOptOutEffective(optOut: boolean, until: Date | null, now: Date): boolean {
  // Exact: an opt-out given to the microsecond ends at that microsecond (db/instant.ts).
  return optOut && (until === null || epochMicros(until) > epochMicros(now));
}

/**
 * docs/product.md rules 9-10: an enforcing org challenges every member with a factor and makes the
 * others enroll, except effective opt-outs. A member who enrolled voluntarily in a
 * non-enforcing org is still asked for the code (the factor protects the account).
 */
export function mfaRequirement(p: MfaPolicyInput, now: Date): MfaRequirement {
  const enforced = p.orgMfaRequired && !isOptOutEffective(p.mfaOptOut, p.mfaOptOutUntil, now);
  if (p.hasConfirmedFactor && (enforced || !p.orgMfaRequired)) {
    return 'challenge';
  }
  return enforced ? 'enroll' : 'none';
}
