import { Op } from '../../services/access/policy';
import { BODY_ERRORS, byRefParam, errors, idParam, ifMatchParam, jsonRequest, MEMBERSHIP_EXAMPLE, ok, ref } from '../openapi/components';
import { bodyObject, ifMatchVersion, queryParams, userRefOf, withLegacyFieldNames } from '../parse';
import { membershipJson } from '../present';
import type { RestRoute } from '../router';

/** PUT /user/users/{id}/membership (the seed article's call) and the org's MFA setting. */
export const membershipRoutes: RestRoute[] = [
  {
    method: 'PUT',
    path: '/user/users/{id}/membership',
    access: Op.MembershipUpdate,
    doc: {
      tags: ['user'],
      operationId: 'updateMembership',
      summary: 'update a users membership',
      description:
        'Partial update of the Account Status flags (admin). Send only what changes: `{"mfaOptOut": true}` opts the user out of the org-level MFA enforcement and changes nothing else. The same body twice changes (and audits) nothing the second time. An admin cannot change their own isAdmin, isActive or mfaOptOut; the last active admin stays; isAdmin and hasAdvancedPermissions are never both true; enabling a member needs a free seat. Returns the membership after the change; its `version` (also the ETag) can be sent back in If-Match.',
      parameters: [idParam, byRefParam, ifMatchParam],
      requestBody: jsonRequest('MembershipUpdate', true, MEMBERSHIP_EXAMPLE),
      responses: {
        '200': {
          ...ok('The membership after the change.', ref('Membership')),
          headers: { ETag: { schema: { type: 'string' }, description: 'The membership version, e.g. "8".' } },
        },
        ...errors(...BODY_ERRORS, 403, 404, 409, 412),
      },
    },
    handle: async (services, ctx, req, res) => {
      const ref = userRefOf(req);
      const version = ifMatchVersion(req);
      // The service validates the partial body (known fields only, each of its type): one rule set for both doors.
      // It names a body that is not an object `input` (the GraphQL argument): here it is the body.
      const m = await withLegacyFieldNames(services.membership.updateMembership(ctx, ref, req.body ?? null, version), { input: 'body' });
      res.set('ETag', `"${m.version}"`);
      return membershipJson(m);
    },
  },
  {
    method: 'GET',
    path: '/user/org/mfa',
    access: Op.OrgMfaRead,
    doc: {
      tags: ['org'],
      operationId: 'getOrgMfaRequired',
      summary: 'Read the Enforce org-level MFA setting',
      description: 'Whether the org enforces MFA for every member not opted out (admin, like the PUT).',
      responses: { '200': ok('The setting.', ref('OrgMfa')), ...errors(400, 403) },
    },
    handle: async (services, ctx, req) => {
      queryParams(req, []);
      return { enabled: await services.membership.orgMfaRequired(ctx) };
    },
  },
  {
    method: 'PUT',
    path: '/user/org/mfa',
    access: Op.OrgMfaSet,
    doc: {
      tags: ['org'],
      operationId: 'setOrgMfaRequired',
      summary: 'Enforce org-level MFA',
      description:
        "Turns the org's MFA enforcement on or off (admin). With it on, every member not opted out needs a TOTP code at sign-in (and enrolls first if they have none). Takes effect at each member's next sign-in.",
      requestBody: jsonRequest('OrgMfa', true, { enabled: true }),
      responses: { '200': ok('The setting after the change.', ref('OrgMfa')), ...errors(...BODY_ERRORS, 403) },
    },
    handle: async (services, ctx, req) => {
      const body = bodyObject(req.body, ['enabled']);
      const org = await services.membership.setOrgMfaRequired(ctx, body.enabled, 'enabled');
      return { enabled: org.mfaRequired };
    },
  },
];
