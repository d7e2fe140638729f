import { assertPasswordAcceptable } from '../../src/security/password-policy';
import { hashPassword, verifyPassword } from '../../src/security/password';

describe('password policy', () => {
  it.each([
    ['short', 'short-pw-1'],
    ['the email', 'ada.lovelace@example.test'],
    ['containing the local part', 'ada.lovelace-2024!'],
    ['common', 'Password1234'],
    ['one repeated character', 'zzzzzzzzzzzzzz'],
  ])('refuses a password that is %s', (_why, pw) => {
    expect(() => assertPasswordAcceptable(pw, 'Ada.Lovelace@example.test')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it('accepts a long unusual password', () => {
    expect(() => assertPasswordAcceptable('violet-tapir-harbour-17', 'ada@example.test')).not.toThrow();
  });

  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('violet-tapir-harbour-17');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'violet-tapir-harbour-17')).toBe(true);
    expect(await verifyPassword(h, 'violet-tapir-harbour-18')).toBe(false);
    expect(await verifyPassword(null, 'anything-at-all-1')).toBe(false);
  });
});
