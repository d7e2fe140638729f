import { NotificationOutbox } from '../../src/entities';
import { SecretBox, deriveOutboxKey } from '../../src/security/secret-box';
import { outboxTokenContext, type TokenMessage } from '../../src/services/notifications/notification.service';
import type { TestApp } from './app';

/** GraphQL documents and mailbox helpers shared by the accounts-*.test.ts files. */
export const CREATE_USER = `mutation($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id firstName lastName email externalRef language status lastLoginAt createdAt }
    membership { isAdmin isActive excludeFromMembershipCount }
    activation { purpose expiresAt }
  }
}`;
/** updateUser with `input` = { userId, ...fields }; answers `updateUser.user`. */
export const UPDATE_USER = `mutation($input: UpdateUserInput!) {
  updateUser(input: $input) { user { id firstName lastName email language externalRef } }
}`;
export const DELETE_USER = 'mutation($id: ID!) { deleteUser(input: { userId: $id }) { deletedUserId } }';
export const ACTIVATE = 'mutation($t: String!, $p: String!) { activateAccount(input: { token: $t, password: $p }) { activated } }';
export const ISSUE_RESET = 'mutation($id: ID!) { issuePasswordReset(input: { userId: $id }) { reset { purpose expiresAt } } }';
export const CONFIRM_EMAIL =
  'mutation($t: String!, $p: String!) { confirmEmailChange(input: { token: $t, password: $p }) { emailChanged } }';
export const CHANGE_PASSWORD =
  'mutation($c: String!, $n: String!) { changePassword(input: { currentPassword: $c, newPassword: $n }) { passwordChanged } }';
export const IMPERSONATE = 'mutation($id: ID!) { impersonate(input: { userId: $id }) { token expiresAt user { id firstName } } }';
export const STOP_IMPERSONATING = 'mutation { stopImpersonating { impersonationEnded } }';
export const ME = '{ me { user { id } membership { isAdmin } sessionKind impersonator { id firstName } } }';

export const STRONG_PASSWORD = 'violet-Harbour-kettle-42';

/** One message of the outbox that carries a token, as the mailer would read it (the token unsealed). */
export interface MailedToken {
  to: string;
  token: string;
  expiresAt: string;
  userId: number;
  orgId: number | null;
  orgName?: string;
}

/**
 * The newest token message of `kind` sent to `to` (case-insensitive), opened with the outbox key
 * as the mailer would: the only place a test can get a token from, as the only place a person can.
 */
export async function mailedToken(app: TestApp, kind: TokenMessage, to: string): Promise<MailedToken> {
  const rows = await app.ds.getRepository(NotificationOutbox).find({ where: { kind }, order: { id: 'DESC' } });
  const box = new SecretBox(deriveOutboxKey(app.config.mfaEncryptionKey));
  for (const row of rows) {
    const payload = JSON.parse(row.payload!) as { to: string; expiresAt: string; sealedToken: string; orgName?: string };
    if (payload.to.toLowerCase() === to.toLowerCase()) {
      return {
        to: payload.to,
        token: box.open(payload.sealedToken, outboxTokenContext(kind, row.userId)),
        expiresAt: payload.expiresAt,
        userId: row.userId,
        orgId: row.orgId,
        orgName: payload.orgName,
      };
    }
  }
  throw new Error(`no ${kind} message to ${to}`);
}

/** Invites `input.email` as `admin` and returns the invited member's id with the mailed token. */
export async function invite(
  admin: { gql: (q: string, v?: Record<string, unknown>) => Promise<{ data?: any; errors?: unknown }> },
  app: TestApp,
  input: Record<string, unknown> & { email: string },
): Promise<{ id: number; token: string; reply: any }> {
  const r = await admin.gql(CREATE_USER, { input: { firstName: 'Invited', lastName: 'Person', ...input } });
  if (!r.data?.createUser) {
    throw new Error(`createUser failed: ${JSON.stringify(r.errors)}`);
  }
  return {
    id: Number(r.data.createUser.user.id),
    token: (await mailedToken(app, 'invitation', input.email)).token,
    reply: r.data.createUser,
  };
}
