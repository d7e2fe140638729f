import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { Role, UserGroup } from '../../entities';
import type { Lazy } from '../../services/common/paging';
import type { MemberQuery } from '../../services/members/member-query';
import { AuditEventNode } from './audit.types';
import { MemberNode } from './members.types';
import { MfaExemption } from './memberships.types';
import { RoleFeedEntry } from './roles.types';

/**
 * Every list of the API is a Relay connection (docs/graphql.md#lists-and-paging): `edges { cursor
 * node }`, `nodes`, `pageInfo`, paged forward with `first`/`after` or backward with
 * `last`/`before` by signed keyset cursors, and `totalCount` where the count is cheap.
 */
@ObjectType({ simpleResolvers: true, description: 'Where a page of a connection sits in the whole list (Relay PageInfo).' })
class PageInfo {
  @Field(() => Boolean, {
    description:
      'Items follow the last edge. Forward pages know it from the page read; a backward page after a cursor asks the database once, only when selected.',
  })
  hasNextPage: Lazy<boolean>;

  @Field(() => Boolean, {
    description:
      'Items precede the first edge. Backward pages know it from the page read; a forward page after a cursor asks the database once, only when selected.',
  })
  hasPreviousPage: Lazy<boolean>;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the first edge (send it as `before` for the page before); null on an empty page.',
  })
  startCursor: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last edge (send it as `after` for the page after); null on an empty page (sync feeds: the cursor sent).',
  })
  endCursor: string | null;
}

/**
 * The fields every connection shares, for a node type: an abstract base each named connection
 * extends (type-graphql's generic-types pattern), and its named edge type.
 */
function connectionOf<T extends object>(node: ClassType<T>, name: string, what: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${what} in a page, with its cursor.` })
  class Edge {
    @Field(() => String, { description: `Opaque signed position of this ${what}: pass it as \`after\` or \`before\`.` })
    cursor: string;

    @Field(() => node, { description: `The ${what}.` })
    node: T;
  }

  @ObjectType()
  abstract class Connection {
    @Field(() => [Edge], { description: `The page's ${what}s with their cursors, in list order.` })
    edges: Edge[];

    @Field(() => [node], { description: `The page's ${what}s in list order (the edges' nodes, without cursors).` })
    nodes: T[];

    @Field(() => PageInfo, { description: 'Cursors of the page and whether items precede or follow it.' })
    pageInfo: PageInfo;
  }
  return Connection;
}

@ObjectType({ simpleResolvers: true, description: "A page of the org's members (totalCount: see the field)." })
export class UserConnection extends connectionOf(MemberNode, 'User', 'member') {
  /** Not a field: what totalCount counts. */
  query: MemberQuery;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "A page of the audit trail, newest first. No totalCount: an org's trail grows without bound and no counter covers every filter, so a count would scan the matching range.",
})
export class AuditEventConnection extends connectionOf(AuditEventNode, 'AuditEvent', 'audit event') {}

@ObjectType({
  simpleResolvers: true,
  description:
    'A page of a role sync feed, in (at, userId) order. No totalCount: the range since `since` is unbounded and a poller resumes from endCursor instead.',
})
export class RoleFeedConnection extends connectionOf(RoleFeedEntry, 'RoleFeed', 'feed entry') {}

@ObjectType({ simpleResolvers: true, description: "A page of the org's roles, by name." })
export class RoleConnection extends connectionOf(Role, 'Role', 'role') {
  @Field(() => Int, { description: "The org's roles (a count over the org's index prefix; orgs have few roles)." })
  totalCount: Lazy<number>;
}

@ObjectType({ simpleResolvers: true, description: "A page of the org's user groups, by name." })
export class UserGroupConnection extends connectionOf(UserGroup, 'UserGroup', 'user group') {
  @Field(() => Int, { description: "The org's user groups (a count over the org's index prefix; orgs have few groups)." })
  totalCount: Lazy<number>;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'A page of the members opted out of MFA, by user id. No totalCount: no index or counter holds the opt-out flag, so a count would read every membership of the org.',
})
export class MfaExemptionConnection extends connectionOf(MfaExemption, 'MfaExemption', 'MFA exemption') {}
