import { AuditEvent } from './audit-event.entity';
import { Membership, type MembershipStatus } from './membership.entity';
import { MemberSearchPrefix } from './member-search-prefix.entity';
import { MfaFactor } from './mfa-factor.entity';
import { NotificationOutbox } from './notification-outbox.entity';
import { Org } from './org.entity';
import { PasswordToken } from './password-token.entity';
import { RecoveryCode } from './recovery-code.entity';
import { RoleAssignment } from './role-assignment.entity';
import { Role } from './role.entity';
import { Session } from './session.entity';
import { SignInThrottle } from './sign-in-throttle.entity';
import { UserGroupMember } from './user-group-member.entity';
import { UserGroup } from './user-group.entity';
import { User } from './user.entity';

export type { MembershipStatus };
export {
  AuditEvent,
  Membership,
  MfaFactor,
  NotificationOutbox,
  Org,
  PasswordToken,
  RecoveryCode,
  Role,
  RoleAssignment,
  Session,
  SignInThrottle,
  User,
  UserGroup,
  UserGroupMember,
};

export const ENTITIES = [
  Org,
  User,
  Membership,
  MemberSearchPrefix,
  MfaFactor,
  RecoveryCode,
  Session,
  Role,
  RoleAssignment,
  UserGroup,
  UserGroupMember,
  AuditEvent,
  NotificationOutbox,
  PasswordToken,
  SignInThrottle,
];
