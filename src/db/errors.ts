import { AppError } from '../errors';

/**
 * What a database failure means, in one place: the services map a unique violation to CONFLICT,
 * withTransaction retries a deadlock, and both doors answer "unavailable" with a 503.
 */

interface DriverFailure {
  name?: string;
  code?: string;
  errno?: number;
  message?: string;
  driverError?: { code?: string; errno?: number; message?: string };
}

/** A unique-index violation on either engine (a concurrent insert won the race): callers map it to CONFLICT. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as DriverFailure;
  const code = err.driverError?.code ?? err.code;
  const errno = err.driverError?.errno ?? err.errno;
  return errno === 1062 || code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** MySQL/MariaDB deadlock or lock-wait timeout: the transaction was rolled back and may be retried. */
export function isDeadlock(e: unknown): boolean {
  const err = e as DriverFailure;
  const errno = err.errno ?? err.driverError?.errno;
  return errno === 1213 || errno === 1205 || err.code === 'ER_LOCK_DEADLOCK';
}

/** Driver and pool failures that mean "the database is not reachable right now" (not a bug). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'SQLITE_BUSY',
]);
const UNAVAILABLE_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError', 'PoolClosedError']);
/** What the drivers say when the pool or the SQLite handle is closed (TypeORM wraps it without a code). */
const UNAVAILABLE_MESSAGE = /^(?:Pool is closed|Connection is not established|(?:TypeError: )?The database connection is not open)/;

/** True when the failure is the database being unreachable (or a typed error that says so), not a bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as DriverFailure | null;
  if (!e || typeof e !== 'object') {
    return false;
  }
  if (e instanceof AppError) {
    return (e.extensions as { unavailable?: boolean }).unavailable === true;
  }
  const code = e.code ?? e.driverError?.code;
  return (
    (code !== undefined && UNAVAILABLE_CODES.has(code)) ||
    (e.name !== undefined && UNAVAILABLE_NAMES.has(e.name)) ||
    UNAVAILABLE_MESSAGE.test(e.message ?? '') ||
    UNAVAILABLE_MESSAGE.test(e.driverError?.message ?? '')
  );
}
