import { parseMembershipPatch, parseVersion } from '../../src/services/memberships/membership-fields';

const now = new Date('2026-11-28T12:00:00Z');

function fieldOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return (e as { extensions?: { code?: string; field?: string } }).extensions;
  }
  return 'no error';
}

describe('parseMembershipPatch (rules 17-18)', () => {
  it('keeps only the keys sent; undefined counts as absent', () => {
    expect(parseMembershipPatch({ mfaOptOut: true }, now)).toEqual({ mfaOptOut: true });
    expect(parseMembershipPatch({ isActive: false, allAccess: undefined }, now)).toEqual({ isActive: false });
    expect(parseMembershipPatch({}, now)).toEqual({});
  });

  it('parses mfaOptOutUntil (future, with a zone) exactly as given, to the microsecond, and trims the reason', () => {
    const p = parseMembershipPatch({ mfaOptOutUntil: '2026-12-01T10:00:00.750123+02:00', mfaOptOutReason: '  why  ' }, now);
    expect(p.mfaOptOutUntil!.toISOString()).toBe('2026-12-01T08:00:00.750123Z');
    expect(p.mfaOptOutReason).toBe('why');
    // More precision than a microsecond cannot be kept: refused, not rounded (zeros are fine).
    expect(parseMembershipPatch({ mfaOptOutUntil: '2026-12-01T10:00:00.750123000+02:00' }, now).mfaOptOutUntil!.toISOString()).toBe(
      '2026-12-01T08:00:00.750123Z',
    );
    expect(() => parseMembershipPatch({ mfaOptOutUntil: '2026-12-01T10:00:00.7501234+02:00' }, now)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ field: 'mfaOptOutUntil' }) }),
    );
    expect(parseMembershipPatch({ mfaOptOutUntil: null, mfaOptOutReason: '   ' }, now)).toEqual({
      mfaOptOutUntil: null,
      mfaOptOutReason: null,
    });
    expect(parseMembershipPatch({ mfaOptOutUntil: new Date('2027-01-01T00:00:00Z') }, now)).toEqual({
      mfaOptOutUntil: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it.each([
    [{ isAdmin: 'true' }, 'isAdmin'],
    [{ isAdmin: null }, 'isAdmin'],
    [{ isAdmin: 0 }, 'isAdmin'],
    [{ id: 5 }, 'id'],
    [{ __proto__x: 1 }, '__proto__x'],
    [{ mfaOptOutUntil: '2026-11-28T11:59:59Z' }, 'mfaOptOutUntil'],
    [{ mfaOptOutUntil: '2026-11-28T12:00:00Z' }, 'mfaOptOutUntil'],
    [{ mfaOptOutUntil: '2027-01-01' }, 'mfaOptOutUntil'],
    [{ mfaOptOutUntil: '2027-01-01T00:00:00' }, 'mfaOptOutUntil'],
    [{ mfaOptOutUntil: 1893456000000 }, 'mfaOptOutUntil'],
    [{ mfaOptOutUntil: new Date('nope') }, 'mfaOptOutUntil'],
    [{ mfaOptOutReason: 'x'.repeat(501) }, 'mfaOptOutReason'],
    [{ mfaOptOutReason: 'tab\there' }, 'mfaOptOutReason'],
    [{ mfaOptOutReason: 'c1\u0085' }, 'mfaOptOutReason'],
    [{ mfaOptOutReason: ['a'] }, 'mfaOptOutReason'],
  ])('%j is BAD_USER_INPUT on %s', (patch, field) => {
    expect(fieldOf(() => parseMembershipPatch(patch, now))).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses anything but an object', () => {
    for (const raw of [null, undefined, [], 'x', 1, true]) {
      expect(fieldOf(() => parseMembershipPatch(raw, now))).toEqual({ code: 'BAD_USER_INPUT', field: 'input' });
    }
  });

  it('a reason of exactly 500 characters is fine', () => {
    expect(parseMembershipPatch({ mfaOptOutReason: 'x'.repeat(500) }, now).mfaOptOutReason).toHaveLength(500);
  });
});

describe('parseVersion', () => {
  it('accepts positive integers and absence; refuses the rest', () => {
    expect(parseVersion(undefined)).toBeUndefined();
    expect(parseVersion(null)).toBeUndefined();
    expect(parseVersion(3)).toBe(3);
    for (const v of [0, -1, 1.5, '2', NaN]) {
      expect(fieldOf(() => parseVersion(v))).toEqual({ code: 'BAD_USER_INPUT', field: 'version' });
    }
  });
});
