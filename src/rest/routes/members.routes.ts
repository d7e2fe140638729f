import { Op } from '../../services/access/policy';
import { streamCsv } from '../csv-export';
import { errors, ok, PAGE_FILTER_PARAMS, ref } from '../openapi/components';
import { memberFilters, parseIntParam, queryParams } from '../parse';
import { visibleUser } from '../present';
import type { RestRoute } from '../router';

/** The member list with totals, the seat counts and the CSV export. */
export const memberRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/user/users/page',
    access: Op.MembersList,
    doc: {
      tags: ['user'],
      operationId: 'getUserPage',
      summary: 'retrieve a page of users',
      description:
        'A page of the members of your org, sorted (ties by id), with totals. Pages start at 1; a page may not start past row 10000 (use the GraphQL `users` cursor to go deeper).',
      parameters: [
        {
          name: 'page',
          in: 'query',
          required: false,
          description: '1-based page number.',
          schema: { type: 'integer', minimum: 1, default: 1 },
        },
        {
          name: 'size',
          in: 'query',
          required: false,
          description: 'Rows per page, 1 to 200.',
          schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        },
        ...PAGE_FILTER_PARAMS,
      ],
      responses: { '200': ok('One page.', ref('UserPage')), ...errors(400, 403) },
    },
    handle: async (services, ctx, req) => {
      const q = queryParams(req, ['page', 'size', 'search', 'active', 'sort']);
      const p = await services.memberDirectory.listMembersPage(ctx, {
        page: parseIntParam(q.page, 'page', { min: 1, max: 1_000_000, fallback: 1 }),
        size: parseIntParam(q.size, 'size', { min: 1, max: 200, fallback: 50 }),
        ...memberFilters(q),
      });
      return {
        content: p.content.map((m) => visibleUser(ctx, m)),
        page: p.page,
        size: p.size,
        totalElements: p.totalElements,
        totalPages: p.totalPages,
      };
    },
  },
  {
    method: 'GET',
    path: '/user/users/retrieveNotExcludeFromMembershipUserCounts',
    access: Op.SeatCountsRead,
    doc: {
      tags: ['user'],
      operationId: 'retrieveNotExcludeFromMembershipUserCounts',
      summary: 'Retrieves count of users that are not excluded from membership counts',
      description: 'How many members use a licensed seat (`count`), with the seat limit and the enabled / inactive counters (admin).',
      responses: { '200': ok('The counts.', ref('MemberCounts')), ...errors(403) },
    },
    handle: async (services, ctx, req) => {
      queryParams(req, []);
      const c = await services.memberDirectory.userCounts(ctx);
      return { count: c.countedTowardSeats, licensedSeats: c.licensedSeats, enabled: c.enabled, inactive: c.inactive };
    },
  },
  {
    method: 'GET',
    path: '/user/users/export.csv',
    access: Op.MembersExport,
    doc: {
      tags: ['user'],
      operationId: 'exportUsersCsv',
      summary: 'export users as CSV',
      description:
        'Every member matching the filters, as RFC 4180 CSV (UTF-8, CRLF), streamed. Columns: First Name, Last Name, Email, Status, Admin, All Data Access, MFA Enrolled, MFA Opt-Out, MFA Opt-Out Until, Last Login, Roles, Groups (roles and groups separated by "; "). Cells that a spreadsheet would run as a formula (starting with = + - @ TAB or CR) are prefixed with a single quote. Admin only; the export is audited with its row count.',
      parameters: PAGE_FILTER_PARAMS,
      responses: {
        '200': {
          description: 'The CSV file.',
          headers: { 'Content-Disposition': { schema: { type: 'string' }, description: 'attachment; filename="users-<org>-<date>.csv"' } },
          content: { 'text/csv': { schema: { type: 'string' } } },
        },
        ...errors(400, 403),
      },
    },
    handle: async (services, ctx, req, res) => {
      const filters = memberFilters(queryParams(req, ['search', 'active', 'sort']));
      const date = new Date().toISOString().slice(0, 10);
      await streamCsv(res, services.memberExport.exportCsv(ctx, filters), `users-${date}.csv`);
      return undefined;
    },
  },
];
