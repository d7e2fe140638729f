import { RateLimitedError } from '../errors';
import { defaultHashingOptions, HashingPool, QueueFullError, type HashingPoolOptions } from './hashing-pool';

/**
 * argon2id with the OWASP minimum (19 MiB, t=2, p=1), on the hashing pool (hashing-pool.ts):
 * worker threads at nice 19, a bounded queue served round-robin per client. When the queue is
 * full the caller gets RATE_LIMITED with a Retry-After estimate at once (GraphQL
 * `extensions.retryAfterSeconds` and a `Retry-After` header; REST 429 + `Retry-After`), the same
 * answer whether or not the account exists.
 *
 * `lane` is who is asking (the client address): the queue takes turns between lanes.
 */

let pool: HashingPool | undefined;
let poolOptions: HashingPoolOptions = defaultHashingOptions();

/** Sets the pool's size and limits (startServer, from the config). A running pool with other options is replaced. */
export function configureHashing(options: HashingPoolOptions): void {
  if (JSON.stringify(options) === JSON.stringify(poolOptions)) {
    return;
  }
  poolOptions = options;
  const old = pool;
  pool = undefined;
  // Jobs already running finish on the old pool first.
  void old?.close();
}

function hashingPool(): HashingPool {
  pool ??= new HashingPool(poolOptions);
  return pool;
}

async function run<T>(task: (p: HashingPool) => Promise<T>): Promise<T> {
  try {
    return await task(hashingPool());
  } catch (e) {
    if (e instanceof QueueFullError) {
      throw new RateLimitedError('Too many passwords are being checked right now; try again in a moment.', e.retryAfterSeconds);
    }
    throw e;
  }
}

export function hashPassword(password: string, lane = ''): Promise<string> {
  return run((p) => p.run('hash', [password], lane));
}

export async function verifyPassword(passwordHash: string | null, password: string, lane = ''): Promise<boolean> {
  if (!passwordHash) {
    // Spend the same time as a real check so an unactivated account is not told apart by timing.
    await hashPassword(password, lane);
    return false;
  }
  try {
    return await run((p) => p.run('verify', [passwordHash, password], lane));
  } catch (e) {
    if (e instanceof RateLimitedError) {
      throw e;
    }
    return false;
  }
}

/** A hash of a random password, verified against when the account does not exist (equal timing). */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('gatehouse-timing-equaliser-' + Math.random(), 'dummy').catch((e: unknown) => {
    dummyHash = undefined;
    throw e;
  });
  return dummyHash;
}
