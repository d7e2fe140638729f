import { readdirSync, readFileSync } from 'node:fs';
import { HashingPool, QueueFullError } from '../../src/security/hashing-pool';

/** Nice values of this process's threads (Linux /proc), by thread id. */
function threadNiceValues(): number[] {
  return readdirSync(`/proc/${process.pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // After the command name, field 16 (0-based) is the nice value.
    return Number(stat[16]);
  });
}

describe('HashingPool', () => {
  let pool: HashingPool;
  afterEach(async () => {
    await pool.close();
  });

  it('hashes and verifies with argon2id on worker threads that run at the configured low priority', async () => {
    pool = new HashingPool({ workers: 1, maxQueued: 4, maxQueuedPerLane: 4, nice: 19 });
    const before = threadNiceValues().filter((n) => n === 19).length;
    const hash = await pool.run('hash', ['correct horse battery staple'], 'a');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(pool.run('verify', [hash, 'correct horse battery staple'], 'a')).resolves.toBe(true);
    await expect(pool.run('verify', [hash, 'wrong'], 'a')).resolves.toBe(false);
    await expect(pool.run('verify', ['not a hash', 'x'], 'a')).rejects.toThrow();
    expect(threadNiceValues().filter((n) => n === 19).length).toBe(before + 1);
  });

  it('runs at most `workers` jobs at once and takes turns between lanes', async () => {
    pool = new HashingPool({ workers: 1, maxQueued: 10, maxQueuedPerLane: 10, nice: 0 });
    const done: string[] = [];
    const job = (lane: string, name: string): Promise<void> => pool.run('hash', [name], lane).then(() => void done.push(name));
    const all = [job('a', 'a1'), job('a', 'a2'), job('a', 'a3'), job('a', 'a4'), job('b', 'b1'), job('c', 'c1')];
    expect(pool.load).toEqual({ queued: 5, running: 1 });
    await Promise.all(all);
    // a1 was running; then one job per lane in turn: a2, b1, c1, then a's rest.
    expect(done).toEqual(['a1', 'a2', 'b1', 'c1', 'a3', 'a4']);
  });

  it('refuses at once, with a retry estimate, when the queue or the lane is full', async () => {
    pool = new HashingPool({ workers: 1, maxQueued: 3, maxQueuedPerLane: 2, nice: 0 });
    const accepted = [pool.run('hash', ['1'], 'a'), pool.run('hash', ['2'], 'a'), pool.run('hash', ['3'], 'a')];
    // Lane a has 2 waiting (its limit): a third waits nowhere.
    const laneFull = await pool.run('hash', ['4'], 'a').catch((e: unknown) => e);
    expect(laneFull).toBeInstanceOf(QueueFullError);
    expect((laneFull as QueueFullError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Another client still gets in, up to the total limit.
    accepted.push(pool.run('hash', ['5'], 'b'));
    await expect(pool.run('hash', ['6'], 'c')).rejects.toBeInstanceOf(QueueFullError);
    await Promise.all(accepted);
    // Drained: accepted again.
    await expect(pool.run('hash', ['7'], 'a')).resolves.toMatch(/^\$argon2id\$/);
  });

  it('refuses a pool without workers', () => {
    expect(() => new HashingPool({ workers: 0, maxQueued: 1, maxQueuedPerLane: 1, nice: 0 })).toThrow(RangeError);
  });
});
