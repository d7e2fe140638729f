import type { NonEmptyArray } from 'type-graphql';
import type { Services } from '../../services';
import { AuditResolver } from './audit.resolver';
import { AuthResolver } from './auth.resolver';
import { ImpersonationResolver } from './impersonation.resolver';
import { MembershipResolver } from './membership.resolver';
import { MeMfaResolver, MfaResolver } from './mfa.resolver';
import { PasswordResolver } from './password.resolver';
import { RolesResolver } from './roles.resolver';
import { UserAdminResolver } from './user-admin.resolver';
import { UserFieldsResolver } from './user-fields.resolver';
import { UsersResolver } from './users.resolver';

type ResolverClass = new (services: Services) => unknown;

/** Every resolver class; add new ones here. */
export const RESOLVERS: NonEmptyArray<ResolverClass> = [
  AuthResolver,
  UserFieldsResolver,
  MembershipResolver,
  UserAdminResolver,
  PasswordResolver,
  ImpersonationResolver,
  MfaResolver,
  MeMfaResolver,
  UsersResolver,
  RolesResolver,
  AuditResolver,
];
