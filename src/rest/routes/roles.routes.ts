import type { Request } from 'express';
import { Op } from '../../services/access/policy';
import type { FeedArgs, FeedPage } from '../../services/roles/role-feed.service';
import { errors, feedParams, ok, ref } from '../openapi/components';
import { parseDateParam, parseIntParam, queryParams } from '../parse';
import type { RestRoute } from '../router';

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
    nextCursor: f.hasMore ? f.pageInfo.endCursor : null,
    // Where this page ends (also on the last page): send it as `after` on the next poll to resume
    // without gaps or repeats.
    cursor: f.pageInfo.endCursor,
  };
}

/** The two role sync feeds. */
export const roleRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/user/users/removedFromRole',
    access: Op.RoleFeedRead,
    doc: {
      tags: ['user'],
      operationId: 'getUsersRemovedFromRole',
      summary: 'Retrieve users that have lost access to the given role',
      description: 'Users who lost the role at or after `since` and do not hold it now, oldest removal first (admin).',
      parameters: feedParams,
      responses: { '200': ok('The feed.', ref('RoleFeed')), ...errors(400, 403, 404) },
    },
    handle: async (services, ctx, req) => feedJson(await services.roleFeed.usersRemovedFromRole(ctx, feedArgs(req))),
  },
  {
    method: 'GET',
    path: '/user/users/updatedByRole',
    access: Op.RoleFeedRead,
    doc: {
      tags: ['user'],
      operationId: 'getUsersUpdatedByRole',
      summary: 'Retrieve updated users from the given role',
      description: 'Current holders of the role whose assignment or user record changed at or after `since`, by user id (admin).',
      parameters: feedParams,
      responses: { '200': ok('The feed.', ref('RoleFeed')), ...errors(400, 403, 404) },
    },
    handle: async (services, ctx, req) => feedJson(await services.roleFeed.usersUpdatedByRole(ctx, feedArgs(req))),
  },
];
