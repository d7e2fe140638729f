import { Op } from '../../services/access/policy';
import { BODY_ERRORS, errors, jsonRequest, ok, ref } from '../openapi/components';
import { bodyObject, bodyUserId, requiredString, withLegacyFieldNames } from '../parse';
import type { RestRoute } from '../router';

/** /user/users/mfa/...: the caller's own TOTP enrollment, and the admin reset of a member's MFA. */
export const mfaRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/user/users/mfa/generateTempSecret',
    access: Op.MfaEnroll,
    doc: {
      tags: ['user'],
      operationId: 'generateMfaTempSecret',
      summary: 'Generate user MFA temp secret',
      description:
        'Starts (or restarts) TOTP enrollment for your membership in this org. The secret is shown once and expires in 10 minutes. Works with a full session or the enrollment-only session sign-in gives when the org enforces MFA. No body.',
      responses: { '200': ok('A pending secret.', ref('MfaTempSecret')), ...errors(403, 405, 409, 413, 415) },
    },
    handle: async (services, ctx, req) => {
      bodyObject(req.body, [], { optional: true });
      const t = await services.mfa.generateTempSecret(ctx);
      return { secret: t.secret, otpauthUri: t.otpauthUri, qrCodeDataUrl: t.qrCodeDataUrl, expiresAt: t.expiresAt.toISOString() };
    },
  },
  {
    method: 'POST',
    path: '/user/users/mfa/validateCode',
    access: Op.MfaEnroll,
    doc: {
      tags: ['user'],
      operationId: 'validateMfaCode',
      summary: 'Validate mfa temp secret with 6 digits token to complete mfa setup process.',
      description:
        'Confirms the pending secret with a current code: the factor is enrolled, ten recovery codes are returned (once), and an enrollment-only session is exchanged for a full one. A wrong code counts toward the lock (5 failures in 15 minutes lock MFA for 15 minutes: 429).',
      requestBody: jsonRequest('MfaCode', true, { token: '123456' }),
      responses: { '200': ok('Enrolled.', ref('MfaEnrolled')), ...errors(...BODY_ERRORS, 403, 409, 429) },
    },
    handle: async (services, ctx, req) => {
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
    // With a body: the admin reset of a member (GraphQL resetMfa); without: one's own enrollment in progress.
    access: (req) => (req.body === undefined ? Op.MfaEnroll : Op.MfaReset),
    doc: {
      tags: ['user'],
      operationId: 'resetMfa',
      summary: 'Reset user MFA',
      description:
        'With `{"userId": ...}` (admin): removes that member\'s org-level MFA factor and recovery codes and ends their sessions; they enroll again at their next sign-in if the org enforces MFA. Their MFA in other orgs is untouched. Without a body: abandons your own enrollment in progress (only while no factor is confirmed; a confirmed factor needs an admin).',
      requestBody: jsonRequest('MfaReset', false, { userId: 42 }),
      responses: { '200': ok('Done.', ref('MfaResetResult')), ...errors(...BODY_ERRORS, 403, 404) },
    },
    handle: async (services, ctx, req) => {
      // No body: the caller abandons their own enrollment in progress. `{ "userId": n }`: admin reset.
      const reset =
        req.body === undefined
          ? await services.mfa.resetOwnPendingEnrollment(ctx)
          : await services.mfa.resetMember(ctx, bodyUserId(bodyObject(req.body, ['userId']), 'userId'));
      return { reset };
    },
  },
];
