import { assertPasswordAcceptable } from '../../src/security/password-policy';
import { hashPassword, verifyPassword } from '../../src/security/password';

describe('password policy', () => {
  it.each([
    ['short', 'short-pw-1'],
    ['the email', 'ada.lovelace@example.test'],
    ['containing the local part', 'ada.lovelace-2024!'],
    ['common', 'Password1234'],
    ['a keyboard walk with digits', 'qwertyuiop123'],
    ['a keyboard walk in columns', '1q2w3e4r5t6y'],
    ['a common password from the list, padded', 'iloveyou2024'],
    ['a dictionary word with digits', 'monkey123456'],
    ['one repeated character', 'zzzzzzzzzzzzzz'],
    ['a sequence', 'abcdefghijklmnop'],
    ['a name from the email with a year', 'lovelace19121815'],
  ])('refuses a password that is %s', (_why, pw) => {
    expect(() => assertPasswordAcceptable(pw, 'Ada.Lovelace@example.test')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it.each(['violet-tapir-harbour-17', 'Y3M57srQ4rYy98UZfdDrgBnN', 'a long passphrase of mine', 'correct-horse-battery-9'])(
    'accepts a long unusual password: %s',
    (pw) => {
      expect(() => assertPasswordAcceptable(pw, 'ada@example.test')).not.toThrow();
    },
  );

  it('names the field it was given', () => {
    expect(() => assertPasswordAcceptable('qwertyuiop123', 'ada@example.test', 'newPassword')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'newPassword' }) }),
    );
  });

  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('violet-tapir-harbour-17');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'violet-tapir-harbour-17')).toBe(true);
    expect(await verifyPassword(h, 'violet-tapir-harbour-18')).toBe(false);
    expect(await verifyPassword(null, 'anything-at-all-1')).toBe(false);
  });
});
