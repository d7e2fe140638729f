import type { RequestContext } from '../../context';
import { NotificationOutbox } from '../../entities';

/** Security notifications a mailer delivers (docs/product.md rule 16b). */
export type SecurityNotice = 'mfa_reset' | 'mfa_opt_out_granted' | 'mfa_opt_out_expired' | 'mfa_recovery_code_used' | 'mfa_factor_added';

/**
 * Writes to the outbox through ctx.manager, i.e. in the caller's transaction, so a notice exists
 * exactly when its change committed. Delivery is outside this service. The payload must never
 * carry secrets, codes or tokens. `orgId` defaults to the session's org (a system job names it).
 */
export class NotificationService {
  async enqueue(
    ctx: RequestContext,
    userId: number,
    kind: SecurityNotice,
    payload: Record<string, unknown> = {},
    orgId: number | null = ctx.principal?.orgId ?? null,
  ): Promise<void> {
    await ctx.manager.insert(NotificationOutbox, {
      orgId,
      userId,
      kind,
      payload: JSON.stringify(payload),
      deliveredAt: null,
    });
  }
}
