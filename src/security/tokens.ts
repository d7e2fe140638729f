import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: bearer tokens, activation tokens. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored only as SHA-256 hex; high-entropy tokens need no slow hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
