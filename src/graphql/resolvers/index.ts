import type { NonEmptyArray } from 'type-graphql';
import type { Services } from '../../services';
import { PasswordResolver, UserAdminResolver } from './accounts.resolver';
import { AuditResolver } from './audit.resolver';
import { AuthResolver, ImpersonationResolver } from './auth.resolver';
import { UserFieldsResolver, UsersResolver } from './members.resolver';
import { MembershipResolver } from './memberships.resolver';
import { MeMfaResolver, MfaResolver } from './mfa.resolver';
import { RolesResolver } from './roles.resolver';

type ResolverClass = new (services: Services) => unknown;

/** Every resolver class, one file per domain; add new ones here. */
export const RESOLVERS: NonEmptyArray<ResolverClass> = [
  AuthResolver,
  ImpersonationResolver,
  UserAdminResolver,
  PasswordResolver,
  UsersResolver,
  UserFieldsResolver,
  MembershipResolver,
  MfaResolver,
  MeMfaResolver,
  RolesResolver,
  AuditResolver,
];
