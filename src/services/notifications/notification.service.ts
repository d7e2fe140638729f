import type { RequestContext } from '../../context';
import { NotificationOutbox } from '../../entities';
import type { SecretBox } from '../../security/secret-box';

/** Security notifications a mailer delivers (docs/product.md rule 16b). */
export type SecurityNotice =
  | 'mfa_reset'
  | 'mfa_opt_out_granted'
  | 'mfa_opt_out_expired'
  | 'mfa_recovery_code_used'
  | 'mfa_factor_added'
  | 'email_change_requested'
  | 'email_changed';

/** Messages that carry a one-time token to a mailbox (rule 3a): the token travels sealed, never in clear. */
export type TokenMessage = 'invitation' | 'password_reset' | 'email_change_confirmation';

/** GCM additional data of a sealed token: it only opens as the message kind and recipient it was written for. */
export function outboxTokenContext(kind: TokenMessage, userId: number): string {
  return `notification_outbox:${kind}:${userId}`;
}

/**
 * Writes to the outbox through ctx.manager, i.e. in the caller's transaction, so a notice exists
 * exactly when its change committed. Delivery is outside this service. A payload never carries a
 * secret, code or token in clear: a token for the person's mailbox is sealed (AES-256-GCM, key
 * derived from MFA_ENCRYPTION_KEY, see docs/accounts.md) for the mailer to open. `orgId` defaults to
 * the session's org (a system job names it).
 */
export class NotificationService {
  constructor(private readonly box: SecretBox) {}

  async enqueue(
    ctx: RequestContext,
    userId: number,
    kind: SecurityNotice,
    payload: Record<string, unknown> = {},
    orgId: number | null = ctx.principal?.orgId ?? null,
  ): Promise<void> {
    await this.insert(ctx, userId, kind, payload, orgId);
  }

  /**
   * Queues a one-time token for the mailbox `to` (which may not be the account's address yet: an
   * invitation, a new address to confirm). `userId` is the account the token acts on.
   */
  async sendToken(
    ctx: RequestContext,
    userId: number,
    kind: TokenMessage,
    message: { to: string; token: string; expiresAt: Date; orgName?: string },
  ): Promise<void> {
    await this.insert(
      ctx,
      userId,
      kind,
      {
        to: message.to,
        expiresAt: message.expiresAt.toISOString(),
        ...(message.orgName !== undefined ? { orgName: message.orgName } : {}),
        sealedToken: this.box.seal(message.token, outboxTokenContext(kind, userId)),
      },
      ctx.principal?.orgId ?? null,
    );
  }

  private async insert(
    ctx: RequestContext,
    userId: number,
    kind: string,
    payload: Record<string, unknown>,
    orgId: number | null,
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
