import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from '../../src/security/secret-box';

const KEY = randomBytes(32);
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('SecretBox (AES-256-GCM at rest)', () => {
  it('round-trips, in a versioned text format that does not contain the secret', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal(SECRET, 'mfa_factors:7');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(sealed.length).toBeLessThan(255);
    expect(box.open(sealed, 'mfa_factors:7')).toBe(SECRET);
  });

  it('uses a fresh IV each time', () => {
    const box = new SecretBox(KEY);
    expect(box.seal(SECRET, 'c')).not.toBe(box.seal(SECRET, 'c'));
  });

  it('a wrong key fails closed', () => {
    const sealed = new SecretBox(KEY).seal(SECRET, 'mfa_factors:7');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'mfa_factors:7')).toThrow(SecretBoxError);
  });

  it('a ciphertext moved to another row does not open there', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal(SECRET, 'mfa_factors:7');
    expect(() => box.open(sealed, 'mfa_factors:8')).toThrow(SecretBoxError);
  });

  it('tampering and unknown formats fail closed', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal(SECRET, 'c');
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] ^= 1;
    for (const bad of [
      [v, iv, tag, flipped.toString('base64url')].join('.'),
      ['v2', iv, tag, ct].join('.'),
      [v, iv, tag].join('.'),
      [v, iv.slice(2), tag, ct].join('.'),
      SECRET,
      '',
    ]) {
      expect(() => box.open(bad, 'c')).toThrow(SecretBoxError);
    }
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(SecretBoxError);
  });

  it('error messages never carry the key or the plaintext', () => {
    const sealed = new SecretBox(KEY).seal(SECRET, 'c');
    try {
      new SecretBox(randomBytes(32)).open(sealed, 'c');
    } catch (e) {
      expect(String(e)).not.toContain(SECRET);
      expect(String(e)).not.toContain(KEY.toString('hex'));
    }
    expect.assertions(2);
  });
});
