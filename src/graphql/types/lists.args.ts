import { ArgsType, Field, ID, Int } from 'type-graphql';
import { AuditEventFilter } from './audit.types';
import { UserFilter, UserOrder } from './members.types';

/**
 * The Relay paging arguments, with the limits of each list in their descriptions. A page walks one
 * way: `first`/`after` forward or `last`/`before` backward; mixing them is BAD_USER_INPUT.
 */
function pagingArgs(max: number, def: number) {
  @ArgsType()
  abstract class PagingArgs {
    @Field(() => Int, {
      nullable: true,
      description: `Page forward: this many items, 1 to ${max} (default ${def} when \`last\` is not given).`,
    })
    first?: number | null;

    @Field(() => String, {
      nullable: true,
      description: 'Page forward: the items after this cursor (an endCursor or edge cursor of the same query).',
    })
    after?: string | null;

    @Field(() => Int, {
      nullable: true,
      description: `Page backward: this many items, 1 to ${max}, ending just before \`before\` (or at the end of the list).`,
    })
    last?: number | null;

    @Field(() => String, {
      nullable: true,
      description: 'Page backward: the items before this cursor (a startCursor or edge cursor of the same query).',
    })
    before?: string | null;
  }
  return PagingArgs;
}

@ArgsType()
export class UsersArgs extends pagingArgs(200, 50) {
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive prefix of first name, last name, "first last" or (admins only) email. % and _ are literal.',
  })
  search?: string | null;

  @Field(() => UserFilter, { nullable: true, description: 'Admin-only filters, combined with AND.' })
  filter?: UserFilter | null;

  @Field(() => UserOrder, { nullable: true, description: 'Default LAST_NAME ASC; every other order is admin-only.' })
  orderBy?: UserOrder | null;
}

@ArgsType()
export class AuditEventsArgs extends pagingArgs(200, 50) {
  @Field(() => AuditEventFilter, { nullable: true, description: 'Actor, target, exact action and time window, combined with AND.' })
  filter?: AuditEventFilter | null;
}

@ArgsType()
export class RoleFeedArgs extends pagingArgs(500, 100) {
  @Field(() => ID, { description: "The role (of the caller's org; NOT_FOUND otherwise)." })
  roleId: string;

  @Field(() => Date, { description: 'Inclusive lower bound, exact to the microsecond.' })
  since: Date;
}

/** Roles and user groups: small sets of one org, paged like every list. */
@ArgsType()
export class NamedSetArgs extends pagingArgs(200, 100) {}

@ArgsType()
export class ExemptionArgs extends pagingArgs(200, 50) {}
