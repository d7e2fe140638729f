import type { NonEmptyArray } from 'type-graphql';
import type { Services } from '../../services';
import { PasswordResolver, UserAdminResolver } from './accounts.resolver';
import { AuditResolver } from './audit.resolver';
import { AuthResolver, ImpersonationResolver } from './auth.resolver';
import { UserFieldsResolver, UsersResolver } from './members.resolver';
import { MembershipResolver } from './memberships.resolver';
import { MeMfaResolver, MfaResolver } from './mfa.resolver';
import { payloadUserResolvers } from './payload-user.resolver';
import { RolesResolver } from './roles.resolver';
import { UpdateMembershipPayload } from '../types/memberships.payloads';
import { ResetMfaPayload } from '../types/mfa.payloads';
import { AddToGroupPayload, AssignRolePayload, RemoveFromGroupPayload, UnassignRolePayload } from '../types/roles.payloads';

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
  ...payloadUserResolvers(
    UpdateMembershipPayload,
    ResetMfaPayload,
    AssignRolePayload,
    UnassignRolePayload,
    AddToGroupPayload,
    RemoveFromGroupPayload,
  ),
];
