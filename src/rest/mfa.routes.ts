import type { Services } from '../services';
import { bodyObject, bodyUserId, requiredString, withLegacyFieldNames } from './parse';
import type { RestRoute } from './router';

/** /user/users/mfa/...: the caller's own TOTP enrollment, and the admin reset of a member's MFA. */
export function mfaRoutes(services: Services): RestRoute[] {
  return [
    {
      method: 'POST',
      path: '/user/users/mfa/generateTempSecret',
      access: 'MFA_ENROLLMENT',
      handle: async (ctx, req) => {
        bodyObject(req.body, [], { optional: true });
        const t = await services.mfa.generateTempSecret(ctx);
        return { secret: t.secret, otpauthUri: t.otpauthUri, qrCodeDataUrl: t.qrCodeDataUrl, expiresAt: t.expiresAt.toISOString() };
      },
    },
    {
      method: 'POST',
      path: '/user/users/mfa/validateCode',
      access: 'MFA_ENROLLMENT',
      handle: async (ctx, req) => {
        const token = requiredString(bodyObject(req.body, ['token']), 'token');
        // The service calls the code `code` (the GraphQL argument); the legacy body calls it `token`.
        const r = await withLegacyFieldNames(services.mfa.validateCode(ctx, token), { code: 'token' });
        return {
          recoveryCodes: r.recoveryCodes,
          session: r.session && { status: r.session.status, token: r.session.token, expiresAt: r.session.expiresAt.toISOString() },
        };
      },
    },
    {
      method: 'PUT',
      path: '/user/users/mfa/reset',
      access: 'MFA_ENROLLMENT',
      handle: async (ctx, req) => {
        // No body: the caller abandons their own enrollment in progress. `{ "userId": n }`: admin reset.
        const reset =
          req.body === undefined
            ? await services.mfa.resetOwnPendingEnrollment(ctx)
            : await services.mfa.resetMember(ctx, bodyUserId(bodyObject(req.body, ['userId']), 'userId'));
        return { reset };
      },
    },
  ];
}
