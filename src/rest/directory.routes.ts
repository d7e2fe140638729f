import type { Request } from 'express';
import type { Services } from '../services';
import type { FeedArgs, FeedPage } from '../services/role.service';
import { memberFilters, parseDateParam, parseIntParam, queryParams } from './parse';
import { visibleUser } from './present';
import type { RestRoute } from './router';

function feedArgs(req: Request): FeedArgs {
  const q = queryParams(req, ['roleId', 'since', 'size', 'after']);
  return {
    roleId: parseIntParam(q.roleId, 'roleId', { min: 1, max: 2147483647 }),
    since: parseDateParam(q.since, 'since'),
    first: q.size === undefined ? null : parseIntParam(q.size, 'size', { min: 1, max: 500 }),
    after: q.after ?? null,
  };
}

function feedJson(f: FeedPage) {
  return {
    content: f.nodes.map((n) => ({ userId: n.userId, at: n.at.toISOString() })),
    nextCursor: f.pageInfo.hasNextPage ? f.pageInfo.endCursor : null,
  };
}

/** The member list with totals, the seat counts, and the two role sync feeds. */
export function directoryRoutes(services: Services): RestRoute[] {
  return [
    {
      method: 'GET',
      path: '/user/users/page',
      access: 'SESSION',
      handle: async (ctx, req) => {
        const q = queryParams(req, ['page', 'size', 'search', 'active', 'sort']);
        const p = await services.directory.listMembersPage(ctx, {
          page: parseIntParam(q.page, 'page', { min: 1, max: 1_000_000, fallback: 1 }),
          size: parseIntParam(q.size, 'size', { min: 1, max: 200, fallback: 50 }),
          ...memberFilters(q),
        });
        return {
          content: p.content.map((m) => visibleUser(ctx, m.user, m.membership)),
          page: p.page,
          size: p.size,
          totalElements: p.totalElements,
          totalPages: p.totalPages,
        };
      },
    },
    {
      method: 'GET',
      path: '/user/users/removedFromRole',
      access: 'ADMIN',
      handle: async (ctx, req) => feedJson(await services.roles.usersRemovedFromRole(ctx, feedArgs(req))),
    },
    {
      method: 'GET',
      path: '/user/users/updatedByRole',
      access: 'ADMIN',
      handle: async (ctx, req) => feedJson(await services.roles.usersUpdatedByRole(ctx, feedArgs(req))),
    },
    {
      method: 'GET',
      path: '/user/users/retrieveNotExcludeFromMembershipUserCounts',
      access: 'ADMIN',
      handle: async (ctx, req) => {
        queryParams(req, []);
        const c = await services.directory.userCounts(ctx);
        return { count: c.countedTowardSeats, licensedSeats: c.licensedSeats, enabled: c.enabled, inactive: c.inactive };
      },
    },
  ];
}
