import type { RequestContext } from '../../context';
import { NotificationOutbox } from '../../entities';

/** Security notifications a mailer delivers (docs/product.md rule 16b). */
export type SecurityNotice = 'mfa_reset' | 'mfa_opt_out_granted' | 'mfa_opt_out_expired' | 'mfa_recovery_code_used' | 'mfa_factor_added';

/**
 * Writes to the outbox through ctx.manager, i.e. in the caller's transaction, so a notice exists
 * exactly when its change committed. Delivery is outside this service. The payload must never
 * carry secrets, codes or tokens.
 */
export class NotificationService {
  async enqueue(ctx: RequestContext, userId: number, kind: SecurityNotice, payload: Record<string, unknown> = {}): Promise<void> {
    await ctx.manager.insert(NotificationOutbox, {
      orgId: ctx.principal?.orgId ?? null,
      userId,
      kind,
      payload: JSON.stringify(payload),
      deliveredAt: null,
    });
  }
}
