import type { NonEmptyArray } from 'type-graphql';
import type { Services } from '../../services';
import { AuditResolver } from './audit.resolver';
import { AuthResolver } from './auth.resolver';
import { MembershipResolver } from './membership.resolver';
import { RolesResolver } from './roles.resolver';
import { UserFieldsResolver } from './user-fields.resolver';
import { UsersResolver } from './users.resolver';

type ResolverClass = new (services: Services) => unknown;

/** Every resolver class; add new ones here. */
export const RESOLVERS: NonEmptyArray<ResolverClass> = [
  AuthResolver,
  UserFieldsResolver,
  MembershipResolver,
  UsersResolver,
  RolesResolver,
  AuditResolver,
];
