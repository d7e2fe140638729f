import type { Services } from '../services';
import { membershipJson, orgJson, userJson, userSummaryJson } from './present';
import type { RestRoute } from './router';

/** /user/users/...: who am I, the member list and counts, one user, one membership. */
export function userRoutes(services: Services): RestRoute[] {
  return [
    {
      method: 'GET',
      path: '/user/users/me',
      access: 'SESSION',
      handle: async (ctx) => {
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
  ];
}
