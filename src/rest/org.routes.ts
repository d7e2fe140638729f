import type { Services } from '../services';
import { bodyObject } from './parse';
import type { RestRoute } from './router';

/** /user/org/...: org settings. */
export function orgRoutes(services: Services): RestRoute[] {
  return [
    {
      method: 'PUT',
      path: '/user/org/mfa',
      access: 'ADMIN',
      handle: async (ctx, req) => {
        const body = bodyObject(req.body, ['enabled']);
        const org = await services.memberships.setOrgMfaRequired(ctx, body.enabled, 'enabled');
        return { enabled: org.mfaRequired };
      },
    },
  ];
}
