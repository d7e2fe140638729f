import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { findTool } from './tools';

/**
 * A throwaway MariaDB server for tests and the benchmark: its own data directory and port, on
 * 127.0.0.1, started without systemd (see docs/testing.md). Returns a mysql:// URL for an
 * admin user that may create databases.
 */
export interface ThrowawayMariaDb {
  url: string;
  /** URL of a named database on this server. */
  urlFor(database: string): string;
  /** Shuts the server down but keeps its data directory and port (fault tests). */
  shutdown(): Promise<void>;
  /** Starts it again on the same data directory and port, after shutdown(). */
  restart(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: it accepts connections but never answers. */
  freeze(frozen: boolean): void;
  /** The mariadbd process id (the benchmark reads its CPU time; it changes on restart()). */
  readonly pid: number;
  stop(): Promise<void>;
}

function admin(socket: string, args: string[], input?: string): { ok: boolean; out: string } {
  const r = spawnSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', ...args], { input, encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

export async function startThrowawayMariaDb(
  opts: { dataDir?: string; bufferPoolMb?: number; extraArgs?: string[] } = {},
): Promise<ThrowawayMariaDb> {
  const mariadbd = findTool('mariadbd');
  if (!mariadbd) {
    throw new Error('mariadbd not found (apt-get install mariadb-server)');
  }
  const keep = !!opts.dataDir;
  const base = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'gatehouse-mariadb-'));
  const dataDir = path.join(base, 'data');
  const socket = path.join(base, 'mysqld.sock');
  const pidFile = path.join(base, 'mysqld.pid');
  const logFile = path.join(base, 'mysqld.log');
  if (!existsSync(path.join(dataDir, 'mysql'))) {
    mkdirSync(dataDir, { recursive: true });
    const init = spawnSync(
      'mariadb-install-db',
      ['--no-defaults', '--user=root', `--datadir=${dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db'],
      { encoding: 'utf8' },
    );
    if (init.status !== 0) {
      throw new Error(`mariadb-install-db failed: ${init.stderr || init.stdout}`);
    }
  }
  const port = await freePort();
  let child: ChildProcess;
  let exited = false;
  const launch = async (): Promise<void> => {
    const out = openSync(path.join(base, 'mysqld.out'), 'a');
    child = spawn(
      mariadbd,
      [
        '--no-defaults',
        '--user=root',
        `--datadir=${dataDir}`,
        `--socket=${socket}`,
        `--pid-file=${pidFile}`,
        `--log-error=${logFile}`,
        '--bind-address=127.0.0.1',
        `--port=${port}`,
        '--skip-name-resolve',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
        `--innodb-buffer-pool-size=${opts.bufferPoolMb ?? 128}M`,
        '--skip-log-bin',
        '--max-connections=500',
        '--innodb-flush-log-at-trx-commit=2',
        '--sync-binlog=0',
        ...(opts.extraArgs ?? []),
      ],
      { stdio: ['ignore', out, out], detached: false },
    );
    closeSync(out);
    exited = false;
    child.on('exit', () => (exited = true));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited) {
        throw new Error(`mariadbd exited at start-up; see ${logFile}`);
      }
      if (spawnSync('mariadb-admin', ['--no-defaults', `--socket=${socket}`, '-uroot', 'ping'], { encoding: 'utf8' }).status === 0) {
        break;
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`mariadbd did not answer within 30 s; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await launch();
  const password = 'gatehouse-test';
  const setup = admin(
    socket,
    [],
    `CREATE USER IF NOT EXISTS 'gatehouse'@'127.0.0.1' IDENTIFIED BY '${password}';
GRANT ALL PRIVILEGES ON *.* TO 'gatehouse'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;`,
  );
  if (!setup.ok) {
    throw new Error(`could not create the test user: ${setup.out}`);
  }
  const urlFor = (db: string): string => `mysql://gatehouse:${password}@127.0.0.1:${port}/${db}`;
  const shutdown = async (): Promise<void> => {
    if (!exited) {
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGCONT');
      spawnSync('mariadb-admin', ['--no-defaults', `--socket=${socket}`, '-uroot', 'shutdown'], { encoding: 'utf8' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    }
  };
  return {
    url: urlFor('mysql'),
    urlFor,
    shutdown,
    restart: launch,
    freeze: (frozen) => void child.kill(frozen ? 'SIGSTOP' : 'SIGCONT'),
    get pid() {
      return child.pid!;
    },
    stop: async () => {
      await shutdown();
      if (!keep) {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
