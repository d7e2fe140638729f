import type { UserChanges } from '../../services/accounts/user-admin.service';
import { Op } from '../../services/access/policy';
import { BODY_ERRORS, byRefParam, errors, idParam, jsonRequest, ok, ref } from '../openapi/components';
import { bodyObject, queryParams, userRefOf } from '../parse';
import { membershipJson, orgJson, userJson, userSummaryJson, visibleUser } from '../present';
import type { RestRoute } from '../router';

/** The fields of PUT /user/users/{id} (anything else is a 400 naming it: no mass assignment). */
const USER_FIELDS = ['firstName', 'lastName', 'email', 'language', 'externalRef'] as const;

/** /user/users/me and /user/users/{id}: who am I; load, update, delete one user. */
export const accountRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/user/users/me',
    access: Op.WhoAmI,
    doc: {
      tags: ['user'],
      operationId: 'whoAmI',
      summary: 'who am i?',
      description:
        'The signed-in user, the org of the session, the membership in it, the session kind and who (if anyone) is impersonating.',
      responses: { '200': ok('Who you are.', ref('Me')), ...errors(403) },
    },
    handle: async (services, ctx, req) => {
      queryParams(req, []);
      const me = await services.auth.whoAmI(ctx);
      return {
        user: userJson(me.user, false),
        org: orgJson(me.org),
        membership: membershipJson(me.membership),
        sessionKind: me.sessionKind,
        impersonator: me.impersonator ? userSummaryJson(me.impersonator) : null,
        expiresAt: me.expiresAt.toISOString(),
      };
    },
  },
  {
    method: 'GET',
    path: '/user/users/{id}',
    access: Op.MemberRead,
    doc: {
      tags: ['user'],
      operationId: 'getUser',
      parameters: [idParam, byRefParam],
      summary: 'load a user',
      description:
        "A member of your org, as your org knows them. Another org's user is 404, the same as a user who does not exist. byRef=true (your externalRef) is for admins.",
      responses: { '200': ok('The user.', ref('User')), ...errors(400, 404) },
    },
    handle: async (services, ctx, req) => {
      // The same service call as GraphQL's user(id | externalRef): the same decisions.
      const r = userRefOf(req);
      const member = await services.memberDirectory.getMember(ctx, 'id' in r ? { id: r.id } : { externalRef: r.externalRef });
      return visibleUser(ctx, member);
    },
  },
  {
    method: 'PUT',
    path: '/user/users/{id}',
    // A member may change their own names, language and email; the service decides the rest.
    access: Op.MemberProfileUpdate,
    doc: {
      tags: ['user'],
      operationId: 'updateUser',
      parameters: [idParam, byRefParam],
      summary: 'update a user',
      description:
        "Partial update of your org's profile of a member (admin; a member may change their own names, language and email). No other org sees the change. externalRef is unique within your org (409). An email change of a member who has joined sends a confirmation token to the new address and changes nothing yet (the answer is the same whether or not the address is taken).",
      requestBody: jsonRequest('UserUpdate', true, { firstName: 'Valentina', lastName: 'Rodriguez' }),
      responses: { '200': ok('The user after the change.', ref('User')), ...errors(...BODY_ERRORS, 403, 404, 409) },
    },
    handle: async (services, ctx, req) => {
      const ref = userRefOf(req);
      // Field types are checked by the service (cleanName, cleanEmail, ...), the same for both doors.
      const changes = bodyObject(req.body, USER_FIELDS) as UserChanges;
      const user = await services.userAdmin.updateUser(ctx, ref, changes);
      return visibleUser(ctx, user, false);
    },
  },
  {
    method: 'DELETE',
    path: '/user/users/{id}',
    access: Op.MemberDelete,
    doc: {
      tags: ['user'],
      operationId: 'deleteUser',
      parameters: [idParam, byRefParam],
      summary: 'delete a user',
      description:
        'Removes the user from your org (admin): membership, MFA factor, sessions. The account is deleted when it belongs to no org any more. You cannot delete yourself.',
      responses: { '204': { description: 'Deleted.' }, ...errors(400, 403, 404, 405, 409) },
    },
    handle: async (services, ctx, req) => {
      await services.userAdmin.deleteUser(ctx, userRefOf(req));
      return undefined;
    },
  },
];
