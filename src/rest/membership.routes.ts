import type { Services } from '../services';
import { ifMatchVersion, userRefOf, withLegacyFieldNames } from './parse';
import { membershipJson } from './present';
import type { RestRoute } from './router';

/** PUT /user/users/{id}/membership: the seed article's call. */
export function membershipRoutes(services: Services): RestRoute[] {
  return [
    {
      method: 'PUT',
      path: '/user/users/{id}/membership',
      access: 'ADMIN',
      handle: async (ctx, req, res) => {
        const ref = userRefOf(req);
        const version = ifMatchVersion(req);
        // The service validates the partial body (known fields only, each of its type): one rule set for both doors.
        // It names a body that is not an object `input` (the GraphQL argument): here it is the body.
        const m = await withLegacyFieldNames(services.memberships.updateMembership(ctx, ref, req.body ?? null, version), { input: 'body' });
        res.set('ETag', `"${m.version}"`);
        return membershipJson(m);
      },
    },
  ];
}
