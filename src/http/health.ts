import type { Express } from 'express';
import type { DataSource } from 'typeorm';

/** Answers a database ping, or rejects after timeoutMs. */
async function pingDatabase(ds: DataSource, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database ping timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([ds.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** /health: the process is up (no database). /ready: the database answers and we are not draining. */
export function mountHealth(app: Express, ds: DataSource, isDraining: () => boolean): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    if (isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await pingDatabase(ds, 2000);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });
}
