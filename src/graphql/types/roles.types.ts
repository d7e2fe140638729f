import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from './common.types';

@ObjectType({ simpleResolvers: true, description: 'One user in a role sync feed.' })
export class RoleFeedEntry {
  @Field(() => ID)
  userId: number;

  @Field(() => Date, { description: 'When the role was removed (removed feed), or the latest change (updated feed).' })
  at: Date;
}

@ObjectType({ simpleResolvers: true })
export class RoleFeedConnection {
  @Field(() => [RoleFeedEntry])
  nodes: RoleFeedEntry[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ArgsType()
export class RoleFeedArgs {
  @Field(() => ID)
  roleId: string;

  @Field(() => Date, { description: 'Inclusive lower bound.' })
  since: Date;

  @Field(() => Int, { nullable: true, description: '1 to 500, default 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}
