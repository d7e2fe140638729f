import type { Services } from '../services';
import type { UserChanges } from '../services/user-admin.service';
import { bodyObject, queryParams, userRefOf } from './parse';
import { membershipJson, orgJson, seesFullRecord, userJson, userSummaryJson, visibleUser } from './present';
import type { RestRoute } from './router';

/** The fields of PUT /user/users/{id} (anything else is a 400 naming it: no mass assignment). */
const USER_FIELDS = ['firstName', 'lastName', 'email', 'language', 'externalRef'] as const;

/** /user/users/me and /user/users/{id}: who am I; load, update, delete one user. */
export function userRoutes(services: Services): RestRoute[] {
  return [
    {
      method: 'GET',
      path: '/user/users/me',
      access: 'SESSION',
      handle: async (ctx, req) => {
        queryParams(req, []);
        const me = await services.auth.whoAmI(ctx);
        return {
          user: userJson(me.user),
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
      access: 'SESSION',
      handle: async (ctx, req) => {
        const user = await services.userAdmin.loadUser(ctx, userRefOf(req));
        // The membership belongs to the full record only (rule 4), as the GraphQL field resolver adds it.
        const membership = seesFullRecord(ctx, user.id) ? await services.members.membershipOf(ctx, user.id) : null;
        return visibleUser(ctx, user, membership);
      },
    },
    {
      method: 'PUT',
      path: '/user/users/{id}',
      // A member may rename themself; everything else is checked by the service (admin, email rules).
      access: 'SESSION',
      handle: async (ctx, req) => {
        const ref = userRefOf(req);
        // Field types are checked by the service (cleanName, cleanEmail, ...), the same for both doors.
        const changes = bodyObject(req.body, USER_FIELDS) as UserChanges;
        const user = await services.userAdmin.updateUser(ctx, ref, changes);
        return visibleUser(ctx, user);
      },
    },
    {
      method: 'DELETE',
      path: '/user/users/{id}',
      access: 'ADMIN',
      handle: async (ctx, req) => {
        await services.userAdmin.deleteUser(ctx, userRefOf(req));
        return undefined;
      },
    },
  ];
}
