import type { RequestContext } from '../../context';
import { MfaFactor, RecoveryCode } from '../../entities';
import { rawExecute, rawQuery } from '../../db/raw';
import { hashRecoveryCode, normaliseRecoveryCode } from '../../security/recovery-codes';

/**
 * Storage of a membership's TOTP factor and recovery codes. Every MFA write touches the factor row
 * first and its codes second, so concurrent transactions take their locks in one order.
 */

export function factorOf(ctx: RequestContext, membershipId: number): Promise<MfaFactor | null> {
  return ctx.manager.findOne(MfaFactor, { where: { membershipId } });
}

/** Removes the membership's factor (confirmed or pending) and its recovery codes, in the lock order. */
export async function deleteFactorAndCodes(tx: RequestContext, membershipId: number): Promise<{ factors: number; codes: number }> {
  const factors = await rawExecute(tx.manager, 'DELETE FROM mfa_factors WHERE membershipId = :id', { id: membershipId });
  const codes = await rawExecute(tx.manager, 'DELETE FROM recovery_codes WHERE membershipId = :id', { id: membershipId });
  return { factors, codes };
}

export async function unusedRecoveryCodes(ctx: RequestContext, membershipId: number): Promise<number> {
  const rows = await rawQuery<{ n: number }>(
    ctx.manager,
    'SELECT COUNT(*) AS n FROM recovery_codes WHERE membershipId = :membershipId AND usedAt IS NULL',
    { membershipId },
  );
  return Number(rows[0]?.n ?? 0);
}

/** Voids every existing code of the membership and stores the hashes of the new set. */
export async function replaceRecoveryCodes(tx: RequestContext, membershipId: number, codes: string[]): Promise<void> {
  await rawExecute(tx.manager, 'DELETE FROM recovery_codes WHERE membershipId = :membershipId', { membershipId });
  await tx.manager.insert(
    RecoveryCode,
    codes.map((c) => ({ membershipId, codeHash: hashRecoveryCode(normaliseRecoveryCode(c)!), usedAt: null })),
  );
}
