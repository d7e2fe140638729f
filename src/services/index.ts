import type { AppConfig } from '../config/config';
import { SecretBox, deriveOutboxKey } from '../security/secret-box';
import { deriveCursorKey } from '../security/cursor';
import { PasswordService } from './accounts/password.service';
import { ProvisioningService } from './accounts/provisioning.service';
import { UserAdminService } from './accounts/user-admin.service';
import { AuditTrailService } from './audit/audit-trail.service';
import { AuditService } from './audit/audit.service';
import { AuthService } from './auth/auth.service';
import { ImpersonationService } from './auth/impersonation.service';
import { SessionService } from './auth/session.service';
import { SignInThrottleService } from './auth/sign-in-throttle.service';
import { MemberDirectoryService } from './members/member-directory.service';
import { MemberExportService } from './members/member-export.service';
import { MemberLoaderService } from './members/member-loader.service';
import { MfaExemptionService } from './memberships/mfa-exemptions.service';
import { MembershipService } from './memberships/membership.service';
import { OptOutExpiryService } from './memberships/opt-out-expiry.service';
import { MfaService } from './mfa/mfa.service';
import { NotificationService } from './notifications/notification.service';
import { RoleFeedService } from './roles/role-feed.service';
import { RoleService } from './roles/role.service';

/**
 * Every service, wired with plain constructor arguments in this one place. Each key is its
 * class name without "Service", in camelCase (MemberDirectoryService -> memberDirectory).
 */
export interface Services {
  audit: AuditService;
  auditTrail: AuditTrailService;
  session: SessionService;
  signInThrottle: SignInThrottleService;
  auth: AuthService;
  impersonation: ImpersonationService;
  notification: NotificationService;
  provisioning: ProvisioningService;
  password: PasswordService;
  userAdmin: UserAdminService;
  memberLoader: MemberLoaderService;
  memberDirectory: MemberDirectoryService;
  memberExport: MemberExportService;
  membership: MembershipService;
  mfaExemptions: MfaExemptionService;
  optOutExpiry: OptOutExpiryService;
  mfa: MfaService;
  role: RoleService;
  roleFeed: RoleFeedService;
}

export function createServices(config: AppConfig): Services {
  // The cursor-signing key is derived from MFA_ENCRYPTION_KEY with HKDF (never the key itself).
  const cursorKey = deriveCursorKey(config.mfaEncryptionKey);
  const audit = new AuditService();
  const session = new SessionService();
  const signInThrottle = new SignInThrottleService();
  const notification = new NotificationService(new SecretBox(deriveOutboxKey(config.mfaEncryptionKey)));
  const optOutExpiry = new OptOutExpiryService(audit, notification);
  const auth = new AuthService(session, signInThrottle, audit, config.sessionTtlSeconds, optOutExpiry);
  const provisioning = new ProvisioningService();
  const password = new PasswordService(session, signInThrottle, audit, notification);
  const memberLoader = new MemberLoaderService();
  const memberDirectory = new MemberDirectoryService(memberLoader, audit, cursorKey);
  return {
    audit,
    auditTrail: new AuditTrailService(audit, cursorKey),
    session,
    signInThrottle,
    auth,
    impersonation: new ImpersonationService(session, audit),
    notification,
    provisioning,
    password,
    userAdmin: new UserAdminService(password, session, audit),
    memberLoader,
    memberDirectory,
    memberExport: new MemberExportService(memberDirectory, audit),
    membership: new MembershipService(audit, session, notification),
    mfaExemptions: new MfaExemptionService(audit, cursorKey),
    optOutExpiry,
    mfa: new MfaService(auth, session, audit, notification, new SecretBox(config.mfaEncryptionKey)),
    role: new RoleService(audit, cursorKey),
    roleFeed: new RoleFeedService(audit, cursorKey, config.roleFeedSettleMs),
  };
}
