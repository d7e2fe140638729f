import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from './common.types';

@ObjectType({ simpleResolvers: true, description: 'One user in a role sync feed.' })
export class RoleFeedEntry {
  @Field(() => ID, { description: 'The user; kept when they have left the org (user is then null).' })
  userId: number;

  @Field(() => Date, {
    description:
      "When the role was removed (removed feed), or the holder's latest change: assignment, profile or membership (updated feed). Exact to the microsecond (six fraction digits).",
  })
  at: Date;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A page of a role sync feed, ordered by (at, userId). Keep `since` and resume each poll from pageInfo.endCursor.',
})
export class RoleFeedConnection {
  @Field(() => [RoleFeedEntry], { description: 'The entries of this page, oldest first.' })
  nodes: RoleFeedEntry[];

  @Field(() => PageInfo, { description: 'Whether more follow now, and the cursor to resume from (also on an empty page).' })
  pageInfo: PageInfo;
}

@ArgsType()
export class RoleFeedArgs {
  @Field(() => ID, { description: 'The role (of your org; NOT_FOUND otherwise).' })
  roleId: string;

  @Field(() => Date, { description: 'Inclusive lower bound, compared exactly as given (to the microsecond).' })
  since: Date;

  @Field(() => Int, { nullable: true, description: '1 to 500, default 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page or poll (same role and since).' })
  after?: string | null;
}
