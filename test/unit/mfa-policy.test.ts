import { mfaRequirement } from '../../src/services/mfa/mfa-policy';

const now = new Date('2026-11-28T12:00:00Z');
const past = new Date('2026-11-28T11:00:00Z');
const future = new Date('2026-11-28T13:00:00Z');

describe('MFA requirement at sign-in (rules 9-10)', () => {
  it.each([
    // enforced, enrolled, optOut, until, expected
    [true, true, false, null, 'challenge'],
    [true, false, false, null, 'enroll'],
    [true, true, true, null, 'none'],
    [true, false, true, null, 'none'],
    [true, true, true, future, 'none'],
    [true, true, true, past, 'challenge'],
    [true, false, true, past, 'enroll'],
    [false, false, false, null, 'none'],
    [false, true, false, null, 'challenge'],
    [false, false, true, null, 'none'],
  ] as const)('enforced=%s enrolled=%s optOut=%s until=%s -> %s', (enforced, enrolled, optOut, until, expected) => {
    expect(mfaRequirement({ orgMfaRequired: enforced, hasConfirmedFactor: enrolled, mfaOptOut: optOut, mfaOptOutUntil: until }, now)).toBe(
      expected,
    );
  });
});
