/**
 * What a missed target's time went on, from a CPU profile of this process taken in a pass of its own after the
 * measured one (profiling slows what it watches, so the measured figures are never profiled). The summary puts
 * each sample's self time in a group by the code it ran in — a native call (SQLite, a socket write) counts for the
 * JavaScript that made it — and answers the largest groups in µs per operation, for the RESULTS.md note.
 *
 * `BENCH_PROFILE_DIR=<dir>` also keeps each profile there as `<name>.cpuprofile` (DevTools opens it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from './table.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Runs `run` under the V8 profiler of this process and answers its profile. */
export async function profileOf(name: string, run: () => Promise<unknown>): Promise<CpuProfile> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // V8's default interval (1 ms): finer sampling costs the process a sixth of its CPU, which the summary then shows.
  await session.post('Profiler.setSamplingInterval', { interval: 1_000 });
  await session.post('Profiler.start');
  let profile: unknown;
  try {
    await run();
  } finally {
    ({ profile } = await session.post('Profiler.stop'));
    session.disconnect();
  }
  const dir = process.env.BENCH_PROFILE_DIR;
  if (dir) writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  return profile as CpuProfile;
}

/** Groups, first match wins, by the script a sample ran in (a native frame takes its nearest caller's script). */
const GROUPS: [string, RegExp][] = [
  ['SQLite (native, in the store)', /^native:.*(kysely|better-sqlite3|proxy\/src\/store)/],
  ['Postgres client (pg)', /node_modules\/\.pnpm\/pg[-@]/],
  ['store code (Kysely, store/*)', /kysely|better-sqlite3|proxy\/src\/store/],
  ['socket writes (native)', /^native:.*(stream_base_commons|node:net)/],
  ['HTTP in/out (node:http, streams)', /node:_http|node:internal\/streams|node:net|node:internal\/stream_base|node:stream/],
  ['Express, router, body parsing', /\/(express|router|body-parser|raw-body|finalhandler|send|serve-static|qs|helmet|cors)@/],
  ['fetch (undici, in and out)', /undici|node:internal\/webstreams/],
  ['validation (zod)', /\/zod@/],
  ['provider adapters', /proxy\/src\/providers/],
  ['links service', /proxy\/src\/links/],
  ['SSE (sse/*, events route)', /proxy\/src\/(sse|routes\/events)/],
  ['merchant events', /proxy\/src\/merchant-events|scripts\/merchant-backend/],
  ['routes and app', /proxy\/src\//],
  ['crypto', /node:internal\/crypto|sha256|standardwebhooks/],
  ['simulator and bench client', /packages\/simulator|\/bench\//],
  ['garbage collection', /^\(garbage collector\)$/],
  ['the profiler itself', /node:inspector/],
  ['Node internals (events, timers, promises)', /node:events|node:internal\/(process|timers|async_hooks|abort_controller|worker|per_context|util|url|buffer)|node:buffer|node:url|^\(program\)$/],
  ['idle', /^\(idle\)$/],
];

/**
 * The largest groups of `profile`, each in µs per operation (`ops` operations ran while it was taken) and as a
 * share of the samples, e.g. "SQLite (native, in the store) 310 µs (30 %), …".
 */
export function summarize(profile: CpuProfile, ops: number, top = 6): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totals = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    let where = node.callFrame.url;
    if (!where) {
      const name = node.callFrame.functionName;
      if (name.startsWith('(')) where = name;
      else {
        // A native function: the script of its nearest JavaScript caller.
        let up = parent.get(id);
        while (up !== undefined && !byId.get(up)!.callFrame.url) up = parent.get(up);
        where = `native:${up === undefined ? name : byId.get(up)!.callFrame.url}`;
      }
    }
    const group = GROUPS.find(([, test]) => test.test(where))?.[0] ?? 'other';
    totals.set(group, (totals.get(group) ?? 0) + us);
  }
  // Waiting, and the sampling itself, are not the process's work.
  const ranked = [...totals].filter(([group]) => group !== 'idle' && group !== 'the profiler itself').sort((a, b) => b[1] - a[1]);
  const work = ranked.reduce((sum, [, us]) => sum + us, 0);
  return (
    ranked
      .slice(0, top)
      .map(([group, us]) => `${group} ${fmt(us / ops, 0)} µs (${fmt((us / work) * 100, 0)} %)`)
      .join(', ') + `; ${fmt(work / ops, 0)} µs of CPU per operation in all`
  );
}
