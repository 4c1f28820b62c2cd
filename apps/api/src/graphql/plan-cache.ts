import type { Database } from '@kapmap/db/client';
import { Placeholder, sql } from 'drizzle-orm';

/**
 * Statements built once per shape (issue 14, point 1). A relational query that drizzle builds from a Pothos
 * selection differs between two requests of one operation only in its values, so the statement is built with
 * named placeholders, prepared, kept here and afterwards only bound: drizzle's query building
 * (buildRelationalQuery, toQuery) runs once per shape, not per request. It is an optimization of the one
 * planner, not a second search: a miss builds exactly what the request would have built.
 *
 * The key is the caller's shape (what its SQL is built from beyond its values), the names of the values bound
 * (which optional parts the SQL has: a filter, a cursor, how many codes) and a fingerprint of the query object
 * Pothos planned from the selection, so two documents, two selections or two viewers whose plans differ never
 * share a statement. A plan holding anything the fingerprint cannot see through (a function not tagged here,
 * an SQL object) is not cached. Bounded: at most MAX_STATEMENTS per database handle, the least recently used
 * going first, and distinct selections are already bounded by validation.
 */

export const MAX_STATEMENTS = 256;

interface Prepared<T> {
  execute(values?: Record<string, unknown>): Promise<T>;
}
interface Preparable<T> {
  prepare(name?: string): Prepared<T>;
}

let statements = new WeakMap<Database, Map<string, Prepared<unknown>>>();
/**
 * What in a plan the fingerprint cannot see through but may name: functions that bind only through their
 * placeholders, by the role they play, and SQL written in whole (a page size), by the text it writes.
 */
const tagged = new WeakMap<object, string>();

let enabled = true;
export const planCacheStats = { hits: 0, misses: 0, uncacheable: 0 };

let capacity = MAX_STATEMENTS;

/** Turns the cache off (or on again) and forgets every statement: for tests comparing cold, warm and off. */
export function setPlanCache(on: boolean, max = MAX_STATEMENTS): void {
  enabled = on;
  capacity = max;
  for (const key of Object.keys(planCacheStats) as (keyof typeof planCacheStats)[]) planCacheStats[key] = 0;
  statements = new WeakMap();
}

/**
 * Marks a function in a plan whose every value goes through a binder, or an SQL chunk whose text the role
 * spells out, so the fingerprint may name it by its role.
 */
export function tag<F extends object>(role: string, fn: F): F {
  tagged.set(fn, role);
  return fn;
}

/**
 * A binder that puts a named placeholder in the statement and records the value under that name. One name, one
 * value: a name bound twice to different values is a bug in the caller, caught here rather than answered wrong.
 */
export function placeholders(values: Record<string, unknown>) {
  return (name: string, value: unknown): Placeholder => {
    if (name in values && values[name] !== value) {
      throw new Error(`Placeholder ${name} bound to two values in one statement.`);
    }
    values[name] = value;
    return sql.placeholder(name);
  };
}

/**
 * The builders of one statement's SQL parts, tagged by their roles (the keys) and each called once now on
 * `table`, so every value they bind is in `values` before `runPlanned` looks the statement up: a statement
 * taken from the cache is never built, and its values would otherwise be missing. Returns `builders`.
 */
export function prebound<T, B extends Record<string, (table: T) => unknown>>(table: T, builders: B): B {
  for (const [role, build] of Object.entries(builders)) {
    build(table);
    tag(role, build);
  }
  return builders;
}

/** A stable text for a plan, or null when it holds something whose meaning its text does not carry. */
export function fingerprint(value: unknown): string | null {
  const parts: string[] = [];
  const walk = (v: unknown): boolean => {
    if (v !== null && (typeof v === 'object' || typeof v === 'function') && tagged.has(v)) {
      parts.push(`ƒ${tagged.get(v)}`);
      return true;
    }
    if (v === null || typeof v !== 'object') {
      // A function not tagged above: what it would write is not in the plan's text.
      if (typeof v === 'function') return false;
      parts.push(v === undefined ? 'u' : JSON.stringify(v));
      return true;
    }
    if (Array.isArray(v)) {
      parts.push('[');
      for (const item of v) if (!walk(item)) return false;
      parts.push(']');
      return true;
    }
    if (v instanceof Placeholder) {
      parts.push(`$${v.name}`);
      return true;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    parts.push('{');
    for (const [k, item] of Object.entries(v)) {
      parts.push(JSON.stringify(k), ':');
      if (!walk(item)) return false;
    }
    parts.push('}');
    return true;
  };
  return walk(value) ? parts.join('') : null;
}

/**
 * Runs the statement `build` makes, bound to `values`: built and prepared on the first request of its shape
 * and plan, taken from the cache afterwards. `values` must be bound before the call, and `build` must put
 * every value through the binder that filled them, so the statement holds placeholders only and the names
 * bound say which parts it has.
 */
export function runPlanned<T>(
  db: Database,
  shape: string,
  plan: unknown,
  values: Record<string, unknown>,
  build: () => Preparable<T>,
): Promise<T> {
  const print = enabled ? fingerprint(plan) : null;
  if (print === null) {
    if (enabled) planCacheStats.uncacheable++;
    return build().prepare().execute(values);
  }
  let byKey = statements.get(db);
  if (!byKey) {
    byKey = new Map();
    statements.set(db, byKey);
  }
  const key = `${shape}|${Object.keys(values).join(',')}|${print}`;
  let statement = byKey.get(key) as Prepared<T> | undefined;
  if (statement) {
    planCacheStats.hits++;
    // Least recently used goes first: a hit moves to the back.
    byKey.delete(key);
  } else {
    planCacheStats.misses++;
    statement = build().prepare();
    if (byKey.size >= capacity) {
      const oldest = byKey.keys().next().value;
      if (oldest !== undefined) byKey.delete(oldest);
    }
  }
  byKey.set(key, statement as Prepared<unknown>);
  return statement.execute(values);
}

/** How many statements are held for a database handle: for the test that the cache stays bounded. */
export function heldStatements(db: Database): number {
  return statements.get(db)?.size ?? 0;
}
