import type { Principal } from '../../src/context';
import { OPERATIONS, allows, decide, type Op } from '../../src/services/access/policy';

const principal = (o: Partial<Principal>): Principal => ({
  sessionId: 1,
  userId: 10,
  orgId: 1,
  membershipId: 100,
  kind: 'full',
  impersonatorUserId: null,
  isAdmin: false,
  expiresAt: new Date(Date.now() + 3600_000),
  ...o,
});

const P = {
  anonymous: null,
  enrollment: principal({ kind: 'mfa_enrollment' }),
  challenge: principal({ kind: 'mfa_challenge' }),
  member: principal({}),
  // SessionService.resolve never marks an impersonation session admin.
  impersonation: principal({ impersonatorUserId: 99 }),
  admin: principal({ isAdmin: true }),
};
type Kind = keyof typeof P;
const codeOf = (k: Kind, op: Op, target?: { userId: number }): string => decide(P[k], op, target)?.code ?? 'OK';

describe('the access policy (services/access/policy.ts)', () => {
  it('answers every operation for every kind of principal, the one refusal per condition', () => {
    const table = (op: Op) => Object.fromEntries((Object.keys(P) as Kind[]).map((k) => [k, codeOf(k, op)]));
    expect(table('SignIn')).toEqual({ anonymous: 'OK', enrollment: 'OK', challenge: 'OK', member: 'OK', impersonation: 'OK', admin: 'OK' });
    expect(table('SignOut')).toEqual({
      anonymous: 'UNAUTHENTICATED',
      enrollment: 'OK',
      challenge: 'OK',
      member: 'OK',
      impersonation: 'OK',
      admin: 'OK',
    });
    expect(table('MfaEnroll')).toEqual({
      anonymous: 'UNAUTHENTICATED',
      enrollment: 'OK',
      challenge: 'FORBIDDEN',
      member: 'OK',
      impersonation: 'FORBIDDEN',
      admin: 'OK',
    });
    expect(table('MfaVerify')).toEqual({
      anonymous: 'UNAUTHENTICATED',
      enrollment: 'FORBIDDEN',
      challenge: 'OK',
      member: 'FORBIDDEN',
      impersonation: 'FORBIDDEN',
      admin: 'FORBIDDEN',
    });
    expect(table('MembersList')).toEqual({
      anonymous: 'UNAUTHENTICATED',
      enrollment: 'FORBIDDEN',
      challenge: 'FORBIDDEN',
      member: 'OK',
      impersonation: 'OK',
      admin: 'OK',
    });
    expect(table('MemberDelete')).toEqual({
      anonymous: 'UNAUTHENTICATED',
      enrollment: 'FORBIDDEN',
      challenge: 'FORBIDDEN',
      member: 'FORBIDDEN',
      impersonation: 'FORBIDDEN',
      admin: 'OK',
    });
    // Every operation has a rule (the Record type guarantees it; this says no rule lets an anonymous caller through by accident).
    const open = OPERATIONS.filter((op) => allows(null, op));
    expect(open.sort()).toEqual(['ActivateAccount', 'ConfirmEmailChange', 'SignIn']);
  });

  it('the messages: one per condition', () => {
    expect(decide(P.challenge, 'MembersList')?.message).toBe('This session may only complete the MFA step it was issued for.');
    expect(decide(P.member, 'MfaVerify')?.message).toBe('This session has no such MFA step to complete.');
    expect(decide(P.impersonation, 'MemberDelete')?.message).toBe('Not allowed while impersonating.');
    expect(decide(P.member, 'MemberDelete')?.message).toBe('Only an admin of this org may do this.');
  });

  it('admin-or-self: decided with the target; impersonation counts as oneself only where the rule says so', () => {
    expect(codeOf('member', 'MemberProfileUpdate')).toBe('OK');
    expect(codeOf('member', 'MemberProfileUpdate', { userId: 10 })).toBe('OK');
    expect(codeOf('member', 'MemberProfileUpdate', { userId: 11 })).toBe('FORBIDDEN');
    expect(codeOf('admin', 'MemberProfileUpdate', { userId: 11 })).toBe('OK');
    expect(codeOf('impersonation', 'MemberPrivateRead', { userId: 10 })).toBe('OK');
    expect(codeOf('impersonation', 'EmailChangeRequest', { userId: 10 })).toBe('FORBIDDEN');
    expect(codeOf('member', 'EmailChangeRequest', { userId: 10 })).toBe('OK');
    expect(codeOf('member', 'MemberLookupByRef')).toBe('FORBIDDEN');
    expect(codeOf('enrollment', 'MemberPrivateRead', { userId: 10 })).toBe('FORBIDDEN');
  });
});
