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

/**
 * MySQL/MariaDB deadlock (1213; on Galera also a certification failure, a conflict with a
 * transaction committed on another node) or lock-wait timeout (1205): the transaction was rolled
 * back whole and may be run again from its start (src/db/transaction.ts). Not 1047 (the node is
 * not ready): a retry on the same node cannot succeed, that is a 503.
 */
export function isDeadlock(e: unknown): boolean {
  const err = e as DriverFailure;
  const errno = err.errno ?? err.driverError?.errno;
  const code = err.code ?? err.driverError?.code;
  return errno === 1213 || errno === 1205 || code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
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
  // A query that got no answer within DB_QUERY_TIMEOUT_MS (a frozen or overloaded server).
  'PROTOCOL_SEQUENCE_TIMEOUT',
  // src/db/pool-guard.ts: no pool connection within the deadline, the wait queue full, the node not ready.
  'POOL_ACQUIRE_TIMEOUT',
  'POOL_QUEUE_LIMIT',
  'WSREP_NOT_READY',
]);
/**
 * Server errors that mean "this node cannot serve now": 1047 ER_UNKNOWN_COM_ERROR is what a Galera
 * node outside the primary component (or not yet synced) answers to every query; 1927
 * ER_CONNECTION_KILLED a connection the server killed (a node leaving the cluster, a KILL); 1053
 * ER_SERVER_SHUTDOWN; 4031 ER_CLIENT_INTERACTION_TIMEOUT (the server closed an idle connection).
 */
const UNAVAILABLE_ERRNOS = new Set([1047, 1927, 1053, 4031]);
const UNAVAILABLE_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError', 'PoolClosedError']);
/** What the drivers say when the pool or the SQLite handle is closed (TypeORM wraps it without a code). */
const UNAVAILABLE_MESSAGE =
  /^(?:Pool is closed|Connection is not established|(?:TypeError: )?The database connection is not open|Can't add new command when connection is in closed state)/;

/** True when the failure is the database being unreachable (or a typed error that says so), not a bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as DriverFailure | null;
  if (!e || typeof e !== 'object') {
    return false;
  }
  if (e instanceof AppError) {
    return (e.extensions as { unavailable?: boolean }).unavailable === true;
  }
  // graphql-js wraps a thrown value that is not an Error of its realm (NonErrorThrown, e.g. a driver
  // error under jest's VM): judge the value it carries.
  const thrown = (e as { thrownValue?: unknown }).thrownValue;
  if (e.name === 'NonErrorThrown' && thrown !== undefined) {
    return isDatabaseUnavailable(thrown);
  }
  const code = e.code ?? e.driverError?.code;
  const errno = e.errno ?? e.driverError?.errno;
  return (
    (code !== undefined && UNAVAILABLE_CODES.has(code)) ||
    (errno !== undefined && UNAVAILABLE_ERRNOS.has(errno)) ||
    (e.name !== undefined && UNAVAILABLE_NAMES.has(e.name)) ||
    UNAVAILABLE_MESSAGE.test(e.message ?? '') ||
    UNAVAILABLE_MESSAGE.test(e.driverError?.message ?? '')
  );
}
