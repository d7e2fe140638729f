import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for small secrets at rest (TOTP secrets). Text format, versioned so the scheme can
 * change without guessing:
 *
 *   v1.<iv>.<tag>.<ciphertext>      each part base64url; iv 12 random bytes, tag 16 bytes
 *
 * The caller binds each ciphertext to its row with `context` (GCM additional data), so a
 * ciphertext copied into another row (say, an attacker's known secret into a victim's factor)
 * does not decrypt there. Any failure to decrypt (wrong key, tampering, unknown version) throws
 * SecretBoxError: callers fail closed.
 */
export class SecretBoxError extends Error {
  constructor(reason: string) {
    super(`secret box: ${reason}`);
    this.name = 'SecretBoxError';
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== 32) {
      throw new SecretBoxError('the key must be 32 bytes');
    }
    this.key = Buffer.from(key);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const parts = typeof sealed === 'string' ? sealed.split('.') : [];
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new SecretBoxError('unknown format or version');
    }
    const iv = Buffer.from(parts[1], 'base64url');
    const tag = Buffer.from(parts[2], 'base64url');
    const ct = Buffer.from(parts[3], 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretBoxError('malformed ciphertext');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      // Node says only "Unsupported state or unable to authenticate data": wrong key or tampering.
      throw new SecretBoxError('authentication failed (wrong key, or the ciphertext was altered or moved)');
    }
  }
}

/**
 * The key that seals one-time tokens in the notification outbox (for the mailer), derived from the
 * configured master key with HKDF, so the TOTP secrets' key itself never seals anything else.
 */
export function deriveOutboxKey(master: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'gatehouse/outbox-tokens/v1', 32));
}
