import { nodeVerdict } from '../../src/db/cluster';
import { isDatabaseUnavailable, isDeadlock } from '../../src/db/errors';

describe('Galera node verdict (src/db/cluster.ts)', () => {
  const synced = { wsrep_ready: 'ON', wsrep_cluster_status: 'Primary', wsrep_local_state_comment: 'Synced', wsrep_cluster_size: '3' };

  it('serves only in the primary component, ready and synced', () => {
    expect(nodeVerdict(synced)).toEqual({ ready: true });
    expect(nodeVerdict({ ...synced, wsrep_cluster_status: 'non-Primary' })).toMatchObject({
      ready: false,
      reason: expect.stringMatching(/primary/),
    });
    expect(nodeVerdict({ ...synced, wsrep_ready: 'OFF' })).toMatchObject({ ready: false });
    expect(nodeVerdict({ ...synced, wsrep_local_state_comment: 'Donor/Desynced' })).toMatchObject({ ready: false });
    expect(nodeVerdict({ ...synced, wsrep_local_state_comment: 'Joining' })).toMatchObject({ ready: false });
    expect(nodeVerdict({})).toMatchObject({ ready: false });
  });
});

describe('what a database failure means (src/db/errors.ts)', () => {
  const mysqlError = (errno: number, code: string): Error => Object.assign(new Error(code), { errno, code });

  it('a deadlock, a certification failure or a lock wait timeout is retried; a node that is not ready is not', () => {
    expect(isDeadlock(mysqlError(1213, 'ER_LOCK_DEADLOCK'))).toBe(true);
    expect(isDeadlock(mysqlError(1205, 'ER_LOCK_WAIT_TIMEOUT'))).toBe(true);
    expect(isDeadlock({ name: 'QueryFailedError', driverError: { errno: 1213 } })).toBe(true);
    expect(isDeadlock(mysqlError(1047, 'ER_UNKNOWN_COM_ERROR'))).toBe(false);
  });

  it('WSREP not ready, a killed connection, a query timeout and the pool deadlines are "unavailable" (503)', () => {
    expect(isDatabaseUnavailable(mysqlError(1047, 'ER_UNKNOWN_COM_ERROR'))).toBe(true);
    expect(isDatabaseUnavailable({ name: 'QueryFailedError', driverError: { errno: 1927, code: 'ER_CONNECTION_KILLED' } })).toBe(true);
    for (const code of ['PROTOCOL_SEQUENCE_TIMEOUT', 'POOL_ACQUIRE_TIMEOUT', 'POOL_QUEUE_LIMIT', 'WSREP_NOT_READY', 'ECONNREFUSED']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(true);
    }
    expect(isDatabaseUnavailable(mysqlError(1213, 'ER_LOCK_DEADLOCK'))).toBe(false);
    expect(isDatabaseUnavailable(mysqlError(1146, 'ER_NO_SUCH_TABLE'))).toBe(false);
    expect(isDatabaseUnavailable({ name: 'NonErrorThrown', thrownValue: { code: 'ECONNREFUSED' } })).toBe(true);
  });
});
