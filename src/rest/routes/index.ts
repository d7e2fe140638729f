import type { RestRoute } from '../router';
import { accountRoutes } from './accounts.routes';
import { memberRoutes } from './members.routes';
import { membershipRoutes } from './memberships.routes';
import { mfaRoutes } from './mfa.routes';
import { roleRoutes } from './roles.routes';

/** Every route of the legacy REST shim (docs/product.md §4), each with its OpenAPI operation beside it. */
export const REST_ROUTES: readonly RestRoute[] = [...accountRoutes, ...memberRoutes, ...roleRoutes, ...membershipRoutes, ...mfaRoutes];
