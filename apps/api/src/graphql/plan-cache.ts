import type { Database } from '@kapmap/db/client';
import { type Mappings, plannedMappings, setLoaderMappings } from '@pothos/selection-mapper';
import { Placeholder, sql } from 'drizzle-orm';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { argumentsBeneath, variablesIn } from './selections.js';

/**
 * Statements built once per shape (issue 14, point 1). A relational query that drizzle builds from a Pothos
 * selection differs between two requests of one operation only in its values, so the statement is built with
 * named placeholders, prepared, kept here and afterwards only bound. It is an optimization of the one
 * planner, not a second search: a miss plans and builds exactly what the request would have.
 *
 * Two tiers. The first is keyed before anything is planned, by what the plan is made of: the field's place
 * in the parsed document (Apollo keeps one parsed document per query text, so its field nodes are the same
 * objects from one request to the next), the values of the variables read beneath it, the caller's shape,
 * its own part of the selection (fingerprinted) and the names of the values bound. A hit there plans nothing:
 * it records the loader mappings the first request's plan recorded, so the fields beneath read the row as
 * before, and binds and runs the statement. Only anonymous requests use it, since a select may read the
 * viewer (which locations a clinic's member sees); a signed-in request plans, and takes the second tier.
 *
 * The second is keyed by a fingerprint of the query object Pothos planned, so two documents, two selections
 * or two viewers whose plans differ never share a statement. A plan holding anything the fingerprint cannot
 * see through (a function not tagged here, an SQL object) is not cached.
 *
 * What this rests on: a select or relation query beneath a planned field reads its own arguments and the
 * viewer, nothing else of the request. The test suite runs with `verify` on, which plans every hit of the
 * first tier afresh and fails the request if the plan differs from the one kept.
 *
 * Bounded: at most MAX_STATEMENTS statements per database handle in each tier, the least recently used going
 * first; distinct documents are already bounded by validation and by Apollo's document cache.
 */

export const MAX_STATEMENTS = 256;

interface Prepared<T> {
  execute(values?: Record<string, unknown>): Promise<T>;
}
interface Preparable<T> {
  prepare(name?: string): Prepared<T>;
}

let statements = new WeakMap<Database, Map<string, Prepared<unknown>>>();
/** The first tier: what a request of a known operation runs, and the mappings its plan recorded. */
interface Operation {
  statement: Prepared<unknown>;
  mappings: Mappings;
  /** The plan's fingerprint, for `verify`. */
  print: string;
}
let operations = new WeakMap<Database, Map<string, Operation>>();
/**
 * What in a plan the fingerprint cannot see through but may name: functions that bind only through their
 * placeholders, by the role they play, and SQL written in whole (a page size), by the text it writes.
 */
const ROLE = Symbol('plan role');
type Tagged = { [ROLE]?: string };

let enabled = true;
let verify = false;
/** Statements built (misses) and reused (hits), and of the hits how many planned nothing (`unplanned`). */
export const planCacheStats = { hits: 0, misses: 0, uncacheable: 0, unplanned: 0 };

let capacity = MAX_STATEMENTS;

/**
 * Turns the cache off (or on again) and forgets every statement: for tests comparing cold, warm and off.
 * With `verify`, a request that would plan nothing plans anyway, and fails if its plan is not the one kept.
 */
export function setPlanCache(on: boolean, max = MAX_STATEMENTS, options: { verify?: boolean } = {}): void {
  enabled = on;
  capacity = max;
  verify = options.verify ?? verify;
  for (const key of Object.keys(planCacheStats) as (keyof typeof planCacheStats)[]) planCacheStats[key] = 0;
  statements = new WeakMap();
  operations = new WeakMap();
}

/**
 * Marks a function in a plan whose every value goes through a binder, or an SQL chunk whose text the role
 * spells out, so the fingerprint may name it by its role.
 */
export function tag<F extends object>(role: string, fn: F): F {
  // A property of the function itself, not a WeakMap entry: a few are made per request, and a WeakMap's
  // entries cost the garbage collector more than the objects they hang off.
  (fn as Tagged)[ROLE] = role;
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
    const role =
      v !== null && (typeof v === 'object' || typeof v === 'function') ? (v as Tagged)[ROLE] : undefined;
    if (role !== undefined) {
      parts.push(`ƒ${role}`);
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

/** A map per database handle, made on first use. */
function held<V>(maps: WeakMap<Database, Map<string, V>>, db: Database): Map<string, V> {
  let byKey = maps.get(db);
  if (!byKey) {
    byKey = new Map();
    maps.set(db, byKey);
  }
  return byKey;
}

/** Looks `key` up, moving a hit to the back (least recently used goes first). */
function take<V>(byKey: Map<string, V>, key: string): V | undefined {
  const found = byKey.get(key);
  if (found !== undefined) {
    byKey.delete(key);
    byKey.set(key, found);
  }
  return found;
}

function keep<V>(byKey: Map<string, V>, key: string, value: V): void {
  if (byKey.size >= capacity) {
    const oldest = byKey.keys().next().value;
    if (oldest !== undefined) byKey.delete(oldest);
  }
  byKey.set(key, value);
}

/** A number per field node of a parsed document, and the variables read beneath it, found once per node. */
const nodeIds = new WeakMap<FieldNode, number>();
const readBeneath = new WeakMap<FieldNode, string[]>();
let nextNodeId = 0;

/** The variables an argument or a directive beneath `node` reads, fragments followed. */
function variablesBeneath(node: FieldNode, info: GraphQLResolveInfo): string[] {
  let names = readBeneath.get(node);
  if (names) return names;
  const found = new Set<string>();
  for (const arg of argumentsBeneath(node.selectionSet, info.fragments))
    for (const name of variablesIn(arg.value)) found.add(name);
  names = [...found].sort();
  readBeneath.set(node, names);
  return names;
}

/**
 * What a field's plan is made of beyond the caller's own part: which field of which parsed document, where
 * (its path's names), and the variables read beneath it. Null for a signed-in request (see above).
 */
function operationKey(info: GraphQLResolveInfo, viewer: unknown): string | null {
  if (viewer != null) return null;
  const parts: (string | number)[] = [info.parentType.name];
  for (let link: GraphQLResolveInfo['path'] | undefined = info.path; link; link = link.prev)
    if (typeof link.key === 'string') parts.push(link.key);
  for (const node of info.fieldNodes) {
    let id = nodeIds.get(node);
    if (id === undefined) {
      id = nextNodeId++;
      nodeIds.set(node, id);
    }
    parts.push(id);
    for (const name of variablesBeneath(node, info))
      parts.push(`$${name}=${JSON.stringify(info.variableValues[name])}`);
  }
  return parts.join('|');
}

/** The request a statement is run for: its database handle and its viewer (null when anonymous). */
export interface PlannedRequest {
  db: Database;
  viewer: unknown;
}

/**
 * Runs the statement of the field `info` resolves: `plan` plans it (Pothos, from the selection, with `seed`,
 * the caller's own part: columns, extras, where, order, limit) and `build` turns the plan into drizzle's
 * query. `shape` names what else the SQL is built from (a sort order, a kind of filter). `values` must be
 * bound before the call (see `prebound`), and every value must go through the binder that filled them, so
 * the statement holds placeholders only and the names bound say which parts it has.
 *
 * An anonymous request of an operation seen before plans and builds nothing; any other request plans, and
 * builds only when no statement of its plan is kept.
 */
export function runPlanned<Q, T>(
  request: PlannedRequest,
  info: GraphQLResolveInfo,
  shape: string,
  seed: unknown,
  values: Record<string, unknown>,
  plan: () => Q,
  build: (plan: Q) => Preparable<T>,
): Promise<T> {
  if (!enabled) return build(plan()).prepare().execute(values);
  // What the SQL is built from beyond the plan: the caller's shape and which values it binds.
  const bound = `${shape}|${Object.keys(values).join(',')}`;
  const operation = operationKey(info, request.viewer);
  const seedPrint = operation === null ? null : fingerprint(seed);
  const key = seedPrint === null ? null : `${bound}|${seedPrint}|${operation}`;
  const byOperation = held(operations, request.db);
  const known = key === null ? undefined : take(byOperation, key);
  if (known && !verify) {
    planCacheStats.hits++;
    planCacheStats.unplanned++;
    setLoaderMappings(request, info, known.mappings);
    return (known.statement as Prepared<T>).execute(values);
  }
  const planned = plan();
  const print = fingerprint(planned);
  if (known && print !== known.print) {
    throw new Error(
      `The plan kept for ${shape} is not the one this request makes: its key misses something.`,
    );
  }
  if (print === null) {
    planCacheStats.uncacheable++;
    return build(planned).prepare().execute(values);
  }
  const byPrint = held(statements, request.db);
  const printKey = `${bound}|${print}`;
  let statement = take(byPrint, printKey) as Prepared<T> | undefined;
  if (statement) {
    planCacheStats.hits++;
  } else {
    planCacheStats.misses++;
    statement = build(planned).prepare();
    keep(byPrint, printKey, statement as Prepared<unknown>);
  }
  const mappings = plannedMappings(planned);
  if (key !== null && mappings && !known)
    keep(byOperation, key, { statement: statement as Prepared<unknown>, mappings, print });
  return statement.execute(values);
}

/** How many statements are held for a database handle: for the test that the cache stays bounded. */
export function heldStatements(db: Database): number {
  return statements.get(db)?.size ?? 0;
}

/** How many operations are known for a database handle (the first tier): for the same test. */
export function heldOperations(db: Database): number {
  return operations.get(db)?.size ?? 0;
}
