import type { AppConfig } from '../config/config';
import { SecretBox } from '../security/secret-box';
import { AuditReadService } from './audit-read.service';
import { AuditService } from './audit.service';
import { AuthService } from './auth.service';
import { deriveCursorKey } from './cursor';
import { ImpersonationService } from './impersonation.service';
import { MemberExportService } from './member-export.service';
import { MemberReadService } from './member-read.service';
import { MembershipService } from './membership.service';
import { MfaService } from './mfa.service';
import { NotificationService } from './notification.service';
import { PasswordService } from './password.service';
import { ProvisioningService } from './provisioning.service';
import { RoleService } from './role.service';
import { SessionService } from './session.service';
import { SignInThrottleService } from './sign-in-throttle.service';
import { UserAdminService } from './user-admin.service';
import { UserDirectoryService } from './user-directory.service';

/** Every service, wired with plain constructor arguments in this one place. */
export interface Services {
  audit: AuditService;
  sessions: SessionService;
  throttle: SignInThrottleService;
  auth: AuthService;
  members: MemberReadService;
  provisioning: ProvisioningService;
  notifications: NotificationService;
  passwords: PasswordService;
  userAdmin: UserAdminService;
  impersonation: ImpersonationService;
  directory: UserDirectoryService;
  memberExport: MemberExportService;
  roles: RoleService;
  auditTrail: AuditReadService;
  memberships: MembershipService;
  mfa: MfaService;
}

export function createServices(config: AppConfig): Services {
  const audit = new AuditService();
  const sessions = new SessionService();
  const throttle = new SignInThrottleService();
  const auth = new AuthService(sessions, throttle, audit, config.sessionTtlSeconds);
  const members = new MemberReadService();
  const provisioning = new ProvisioningService();
  const notifications = new NotificationService();
  const passwords = new PasswordService(sessions, throttle, audit);
  const userAdmin = new UserAdminService(provisioning, passwords, sessions, audit);
  const impersonation = new ImpersonationService(sessions, audit);
  const memberships = new MembershipService(audit, sessions, notifications);
  const mfa = new MfaService(auth, sessions, audit, notifications, new SecretBox(config.mfaEncryptionKey));
  const cursorKey = deriveCursorKey(config.mfaEncryptionKey);
  const directory = new UserDirectoryService(members, audit, cursorKey);
  const memberExport = new MemberExportService(directory, audit);
  const roles = new RoleService(audit, cursorKey);
  const auditTrail = new AuditReadService(audit, cursorKey);
  return {
    audit,
    sessions,
    throttle,
    auth,
    members,
    provisioning,
    notifications,
    memberships,
    passwords,
    userAdmin,
    impersonation,
    directory,
    memberExport,
    roles,
    auditTrail,
    mfa,
  };
}
