/**
 * SQLite's WAL checkpoints, run off the event loop (decision 0012). A checkpoint copies the pages the WAL holds back
 * into the database file and, under `synchronous=NORMAL`, is the one place SQLite calls fsync. Left to SQLite, the
 * connection whose commit takes the WAL past 1,000 pages runs it inside that commit: on this VM a few milliseconds
 * every ~70 webhooks, half of all commit time (a statement trace of bench/webhook-throughput.ts, 2026-12-02), and
 * the event loop waits through each one.
 *
 * Here a worker thread holds its own connection to the file and checkpoints every `intervalMs` (`PASSIVE`: it never
 * blocks a writer or a reader, and a checkpoint with nothing new to copy costs nothing). The process's connection
 * keeps a far larger automatic checkpoint as a safety net, and goes back to SQLite's own if the worker stops. The
 * WAL is also synced on a clock now, not only once 1,000 pages pile up, so a quiet proxy's last writes reach the
 * disk within `intervalMs` rather than whenever enough traffic follows them.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** SQLite's default automatic checkpoint (pages), used while no worker checkpoints. */
const SQLITE_DEFAULT_PAGES = 1_000;
/** The process's own automatic checkpoint while the worker runs: only if the worker falls far behind. */
const SAFETY_NET_PAGES = 16_000;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * The worker's code, as a CommonJS script (`eval`), so it runs the same under tsx and compiled and loads nothing
 * but the driver: no TypeScript loader, no copy of the proxy in a second heap.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let timer;
const end = () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
};
// A checkpoint that fails (a disk error, say) ends the worker: the process then checkpoints as SQLite does.
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    return true;
  } catch {
    end();
    return false;
  }
};
timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  if (checkpoint()) end();
});
parentPort.postMessage({ ready: true });
`;

/**
 * Checkpoints `path`'s WAL from a worker thread every `intervalMs`. `sqlite` is the process's connection, whose
 * automatic checkpoint is raised while the worker runs and restored if it stops. Answers `undefined` (SQLite's
 * own checkpoints stay) for a private in-memory database.
 */
export function startCheckpointer(sqlite: SQLite.Database, path: string, intervalMs = 100, script = WORKER): Checkpointer | undefined {
  if (path === ':memory:') return undefined;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let stopping = false;
  // `script`: the worker's code; tests give one that fails, to see the process fall back.
  const worker = new Worker(script, {
    eval: true,
    workerData: { driver, path, intervalMs },
    // Not the parent's `--import tsx`: the worker runs plain JavaScript.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  worker.unref();
  const fallBack = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
  };
  worker.on('message', () => {
    if (!stopping && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  });
  worker.on('error', fallBack);
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) fallBack();
      resolve();
    }),
  );
  return {
    async stop() {
      stopping = true;
      fallBack();
      // Held until it has exited, or a process with nothing else to do would end before the close resolves.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
