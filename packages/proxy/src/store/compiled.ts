/**
 * Hot queries built and compiled once instead of on every call. Kysely builds a query as a tree of frozen nodes and
 * walks it to SQL each time; on a webhook (a dozen queries) that was a tenth of the proxy's CPU (a profile of
 * bench/webhook-throughput.ts, 2026-12-02). A query of one shape always compiles to the same SQL with its values as
 * bound parameters, so it is compiled once with a marker in place of each value, and each call puts its own values
 * where the markers went.
 * Both engines gain; with SQLite's statement cache (store/sqlite.ts) the text also finds its prepared statement.
 *
 * The values may be arrays and plain objects (an `IN` list, a row to insert, the columns to set): their shape
 * (lengths, keys) picks the compiled form, so `in (?, ?)` and `in (?, ?, ?)` are two entries, each compiled once.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/** What a compiled query runs on: the database, a transaction, or an engine's own direct executor (store/sqlite.ts). */
export type QueryTarget = Pick<Kysely<never>, 'executeQuery'>;

/** Stands in for the value at `index` (in the flattened arguments) while the query compiles. */
class Marker {
  constructor(readonly index: number) {}
}

/** Where a compiled query takes its parameters from: a marker's argument, or a constant the query itself holds. */
type Slot = { arg: number } | { value: unknown };

interface Template {
  compiled: CompiledQuery;
  slots: Slot[];
}

/** Different shapes of one query compiled at most this many: beyond it (an unbounded `IN` list) it is built per call. */
const MAX_SHAPES = 32;

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** An object's keys as Kysely reads a row or a `set`: a key whose value is `undefined` is left out. */
const keysOf = (value: Record<string, unknown>) => Object.keys(value).filter((key) => value[key] !== undefined);

/** The values in `arg`, depth first, and a key naming its shape. */
function flatten(arg: unknown, out: unknown[]): string {
  if (Array.isArray(arg)) return `[${arg.map((item) => flatten(item, out)).join(',')}]`;
  if (isPlain(arg)) return `{${keysOf(arg).map((key) => `${JSON.stringify(key)}:${flatten(arg[key], out)}`).join(',')}}`;
  out.push(arg);
  return '.';
}

/** Whether `value` is a single value to flatten (not an array or plain object). */
const isFlat = (value: unknown) => !Array.isArray(value) && !isPlain(value);

/** The key `flatten` gives a list of `n` single values: `[.,.,…]`, built once per length. */
const flatShapes: string[] = [];
const flatShape = (n: number) => (flatShapes[n] ??= `[${Array(n).fill('.').join(',')}]`);

/** `arg` with markers in place of its values, numbered from `next.n`. */
function mark(arg: unknown, next: { n: number }): unknown {
  if (Array.isArray(arg)) return arg.map((item) => mark(item, next));
  if (isPlain(arg)) return Object.fromEntries(keysOf(arg).map((key) => [key, mark(arg[key], next)]));
  return new Marker(next.n++);
}

/**
 * A query built by `build` from its arguments, compiled once per shape of them. `build` must pass its arguments
 * into the query only as values (never branch on them, nor compute with them): it is called with markers.
 *
 * @example
 * const byEmail = compiledOnce((email: string) => db.selectFrom('users').selectAll().where('email', '=', email));
 * const { rows } = await byEmail(db, 'a@example.com');
 */
export function compiledOnce<A extends unknown[], R>(
  build: (...args: A) => Compilable<R>,
): (target: QueryTarget, ...args: A) => Promise<QueryResult<R>> {
  const shapes = new Map<string, Template>();
  return (target, ...args) => {
    // Most calls pass only plain values (ids, statuses, times): their shape is just how many there are, so the key
    // is not built character by character per call (the keys were ~10 KB of a webhook's allocations, most of them here).
    let values: unknown[] = args;
    let shape: string = flatShape(args.length);
    if (!args.every(isFlat)) {
      values = [];
      shape = flatten(args, values);
    }
    let template = shapes.get(shape);
    if (!template) {
      if (shapes.size >= MAX_SHAPES) return target.executeQuery(build(...args)) as Promise<QueryResult<R>>;
      const compiled = build(...(mark(args, { n: 0 }) as A)).compile();
      const slots = compiled.parameters.map((p): Slot => (p instanceof Marker ? { arg: p.index } : { value: p }));
      // Every value must reach the SQL as a parameter exactly where its marker went; a builder that computed with
      // one (or dropped it) cannot be compiled once.
      const used = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])));
      if (used.size !== values.length) throw new Error(`compiledOnce: the query takes ${used.size} of its ${values.length} values as parameters`);
      template = { compiled, slots };
      shapes.set(shape, template);
    }
    const { compiled, slots } = template;
    const parameters = slots.map((slot) => ('arg' in slot ? values[slot.arg] : slot.value));
    return target.executeQuery({ ...compiled, parameters } as CompiledQuery<R>);
  };
}
