import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { findTool } from './tools';

/**
 * A throwaway three-node MariaDB Galera cluster on 127.0.0.1 for tests and for trying the
 * scale-out by hand (`npx ts-node`-free: `node scripts/galera.js`, see docs/testing.md). Each
 * node has its own data directory, SQL port, group-communication, IST and SST ports (all
 * ephemeral). The recipe is the one verified in docs/operations.md "Scaling out": nodes run as
 * the `mysql` user (rsync state transfer fails as root), node 1 bootstraps with
 * --wsrep-new-cluster, the others join one at a time.
 */
interface GaleraNode {
  /** 1, 2 or 3. */
  readonly index: number;
  readonly port: number;
  /** mysql:// URL of a named database on this node (the gatehouse user). */
  urlFor(database: string): string;
  /** mariadbd's process id (changes on restart). */
  readonly pid: number;
  /** True while mariadbd runs (SIGSTOPped counts as running). */
  readonly running: boolean;
  /** SIGKILL: no clean leave, the others see it vanish. */
  kill(): Promise<void>;
  /** Clean shutdown (mariadb-admin shutdown): the node leaves the cluster on purpose. */
  shutdown(): Promise<void>;
  /** Starts it again on its data directory and ports; it rejoins (IST or SST from a donor). Resolves when Synced. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT. */
  freeze(): void;
  thaw(): void;
  /** A SHOW STATUS value through the node's socket as root (null when the node does not answer). */
  status(name: string): string | null;
  /** Runs SQL through the node's socket as root. */
  sql(statements: string): { ok: boolean; out: string };
}

export interface ThrowawayGalera {
  nodes: [GaleraNode, GaleraNode, GaleraNode];
  /** Where the data directories and logs are (removed by stop()). */
  base: string;
  /** Waits until every running node reports cluster size `size` and Synced (default: the running nodes). */
  waitSynced(size?: number, timeoutMs?: number): Promise<void>;
  /** Stops every node (reverse order) and removes the data directories. */
  stop(): Promise<void>;
}

const PASSWORD = 'gatehouse-test';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Ports {
  sql: number;
  gcomm: number;
  ist: number;
  sst: number;
}

/**
 * Failure detection tuned for tests: a node that vanishes (SIGKILL, SIGSTOP) is suspected after
 * 3 s and evicted after 5 s, instead of the defaults' 5 s / 15 s. (2 s / 3 s partitioned a
 * joining node at a load average of 20.)
 */
export const SUSPECT_TIMEOUT_MS = 3000;
const PROVIDER_TIMEOUTS =
  'evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT5S;evs.install_timeout=PT5S';

export async function startThrowawayGalera(opts: { name?: string; log?: (line: string) => void } = {}): Promise<ThrowawayGalera> {
  const mariadbd = findTool('mariadbd');
  const provider = '/usr/lib/galera/libgalera_smm.so';
  if (!mariadbd) {
    throw new Error('mariadbd not found (apt-get install mariadb-server)');
  }
  if (!existsSync(provider)) {
    throw new Error(`${provider} not found (apt-get install galera-4)`);
  }
  if (!findTool('rsync')) {
    throw new Error('rsync not found (apt-get install rsync): Galera state transfer needs it');
  }
  const log = opts.log ?? ((): void => undefined);
  const base = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-galera-'));
  chmodSync(base, 0o755);
  const ports: Ports[] = [];
  for (let i = 0; i < 3; i++) {
    ports.push({ sql: await freePort(), gcomm: await freePort(), ist: await freePort(), sst: await freePort() });
  }
  const address = `gcomm://${ports.map((p) => `127.0.0.1:${p.gcomm}`).join(',')}`;
  const clusterName = opts.name ?? `gatehouse-${process.pid}`;

  const makeNode = (index: number): GaleraNode & { launch(bootstrap: boolean): Promise<void> } => {
    const p = ports[index - 1];
    const dir = path.join(base, `n${index}`);
    const dataDir = path.join(dir, 'data');
    const socket = path.join(dir, 'mysqld.sock');
    const logFile = path.join(dir, 'mysqld.log');
    mkdirSync(dataDir, { recursive: true });
    const init = spawnSync(
      'mariadb-install-db',
      ['--no-defaults', '--user=mysql', `--datadir=${dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db'],
      {
        encoding: 'utf8',
      },
    );
    if (init.status !== 0) {
      throw new Error(`mariadb-install-db failed: ${init.stderr || init.stdout}`);
    }
    spawnSync('chown', ['-R', 'mysql:mysql', dir]);
    let child: ChildProcess | null = null;
    let exited = true;
    const sql = (statements: string): { ok: boolean; out: string } => {
      const r = spawnSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-N', '-B', '--connect-timeout=2'], {
        input: statements,
        encoding: 'utf8',
        timeout: 5000,
      });
      return { ok: r.status === 0, out: ((r.stdout ?? '') + (r.stderr ?? '')).trim() };
    };
    const status = (name: string): string | null => {
      const r = sql(`SHOW GLOBAL STATUS LIKE '${name}'`);
      return r.ok ? (r.out.split('\t')[1] ?? null) : null;
    };
    const waitExit = async (ms: number): Promise<void> => {
      const c = child;
      if (!c || exited) {
        return;
      }
      const done = new Promise<void>((r) => c.once('exit', () => r()));
      const timer = setTimeout(() => c.kill('SIGKILL'), ms);
      await done;
      clearTimeout(timer);
    };
    const launch = async (bootstrap: boolean): Promise<void> => {
      const out = openSync(path.join(dir, 'mysqld.out'), 'a');
      child = spawn(
        mariadbd,
        [
          '--no-defaults',
          '--user=mysql',
          `--datadir=${dataDir}`,
          `--socket=${socket}`,
          `--pid-file=${path.join(dir, 'mysqld.pid')}`,
          `--log-error=${logFile}`,
          '--bind-address=127.0.0.1',
          `--port=${p.sql}`,
          '--skip-name-resolve',
          '--character-set-server=utf8mb4',
          '--collation-server=utf8mb4_unicode_ci',
          '--innodb-buffer-pool-size=64M',
          '--innodb-flush-log-at-trx-commit=2',
          '--max-connections=300',
          '--binlog-format=ROW',
          '--innodb-autoinc-lock-mode=2',
          '--default-storage-engine=InnoDB',
          '--wsrep-on=ON',
          `--wsrep-provider=${provider}`,
          `--wsrep-cluster-name=${clusterName}`,
          `--wsrep-cluster-address=${address}`,
          `--wsrep-node-address=127.0.0.1:${p.gcomm}`,
          `--wsrep-node-name=n${index}`,
          `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${p.gcomm};ist.recv_addr=127.0.0.1:${p.ist};${PROVIDER_TIMEOUTS}`,
          `--wsrep-sst-receive-address=127.0.0.1:${p.sst}`,
          '--wsrep-sst-method=rsync',
          ...(bootstrap ? ['--wsrep-new-cluster'] : []),
        ],
        { stdio: ['ignore', out, out] },
      );
      closeSync(out);
      exited = false;
      const c = child;
      c.on('exit', () => {
        if (child === c) {
          exited = true;
        }
      });
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (exited) {
          throw new Error(`galera node ${index} exited at start-up; see ${logFile}:\n${tail(logFile)}`);
        }
        if (status('wsrep_local_state_comment') === 'Synced' && status('wsrep_ready') === 'ON') {
          break;
        }
        if (Date.now() > deadline) {
          c.kill('SIGKILL');
          throw new Error(`galera node ${index} not Synced within 60 s; see ${logFile}:\n${tail(logFile)}`);
        }
        await sleep(250);
      }
      log(`[galera] node ${index} synced on port ${p.sql} (pid ${c.pid})`);
    };
    return {
      index,
      port: p.sql,
      urlFor: (db) => `mysql://gatehouse:${PASSWORD}@127.0.0.1:${p.sql}/${db}`,
      get pid() {
        return child?.pid ?? -1;
      },
      get running() {
        return !exited;
      },
      launch,
      kill: async () => {
        if (child && !exited) {
          child.kill('SIGCONT');
          child.kill('SIGKILL');
          await waitExit(5000);
        }
      },
      shutdown: async () => {
        if (child && !exited) {
          child.kill('SIGCONT');
          spawnSync('mariadb-admin', ['--no-defaults', `--socket=${socket}`, '-uroot', 'shutdown'], { encoding: 'utf8', timeout: 20_000 });
          await waitExit(20_000);
        }
      },
      restart: () => launch(false),
      freeze: () => void child?.kill('SIGSTOP'),
      thaw: () => void child?.kill('SIGCONT'),
      status,
      sql,
    };
  };

  const nodes = [makeNode(1), makeNode(2), makeNode(3)] as const;
  const stop = async (): Promise<void> => {
    for (const n of [...nodes].reverse()) {
      await n.shutdown();
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await nodes[0].launch(true);
    const setup = nodes[0].sql(
      `CREATE USER IF NOT EXISTS 'gatehouse'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';
GRANT ALL PRIVILEGES ON *.* TO 'gatehouse'@'127.0.0.1' WITH GRANT OPTION;`,
    );
    if (!setup.ok) {
      throw new Error(`could not create the test user: ${setup.out}`);
    }
    for (const joiner of [nodes[1], nodes[2]]) {
      // A join can fail on a loaded machine (the state transfer starves group communication): once more.
      await joiner.launch(false).catch(async (e: unknown) => {
        log(`[galera] node ${joiner.index} failed to join, once more: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        await joiner.kill();
        await joiner.launch(false);
      });
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const waitSynced = async (size?: number, timeoutMs = 60_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const up = nodes.filter((n) => n.running);
      const want = String(size ?? up.length);
      if (up.every((n) => n.status('wsrep_cluster_size') === want && n.status('wsrep_local_state_comment') === 'Synced')) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`cluster not synced at size ${want} within ${timeoutMs} ms`);
      }
      await sleep(250);
    }
  };
  return { nodes: [nodes[0], nodes[1], nodes[2]], base, waitSynced, stop };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}
