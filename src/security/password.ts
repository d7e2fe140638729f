import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { concurrencyLimit } from './concurrency';

/**
 * argon2id with the OWASP minimum (19 MiB, t=2, p=1). @node-rs/argon2 runs on libuv's thread
 * pool, so hashing never blocks the event loop.
 */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 /* Argon2id */ } as const;

/**
 * At most (cores - 1) hashes at once, at least one: each takes a core for ~11 ms, and libuv's pool
 * would otherwise run four at a time, so 20 concurrent sign-ins on 2 cores took every core and
 * multiplied the p99 of unrelated requests (measured by `npm run bench`). Extra sign-ins queue.
 */
const withHashingSlot = concurrencyLimit(Math.max(1, availableParallelism() - 1));

export function hashPassword(password: string): Promise<string> {
  return withHashingSlot(() => hash(password, OPTIONS));
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    // Spend the same time as a real check so an unactivated account is not told apart by timing.
    await withHashingSlot(() => hash(password, OPTIONS));
    return false;
  }
  try {
    return await withHashingSlot(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the account does not exist (equal timing). */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= withHashingSlot(() => hash('gatehouse-timing-equaliser-' + Math.random(), OPTIONS));
  return dummyHash;
}
