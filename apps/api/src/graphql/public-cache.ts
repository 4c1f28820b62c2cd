import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { type DbHandle, LISTINGS_CHANNEL } from '@kapmap/db/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import {
  acceptedEncoding,
  COMPRESS_THRESHOLD,
  compress,
  decompress,
  type Encoding,
  varyOnEncoding,
} from '../compression.js';
import type { Context, RequestNotes } from '../context.js';
import { cachePolicies } from './cache-policy.js';

/**
 * Answers to anonymous public queries (search, clinic and location pages, reference data), kept in this
 * process for as long as their cache policy allows (cache-policy.ts), and sent again without running the
 * query. The same answer goes out with `Cache-Control: public` and an ETag, so a browser or a CDN may keep it
 * too — to a GET only: a POST's answer is never stored by anyone but us.
 *
 * What never goes in, and is never served from it:
 *   - a request carrying the session cookie, valid or not, and any answer to a signed-in viewer;
 *   - a mutation, or any answer whose selection reaches a field without a public hint (referrals, accounts,
 *     a clinic's team and reports);
 *   - an answer with errors.
 * A write to any listing table makes PostgreSQL notify every process (`kapmap_listings`), and each drops its
 * whole cache: a search near a clinic can change by the clinic's edit without naming it, so dropping
 * everything is the only exact invalidation, and listings change rarely next to how often they are read.
 * The cache is dropped again when listening restarts (a lost connection may have missed a notification).
 *
 * So an answer kept here is current until a drop, and this process keeps it longer (`keepSeconds`, 10 minutes)
 * than it lets anyone downstream keep it (`maxAge`, at most a minute): a browser or a CDN is never told of a
 * change. Each answer it sends again is its own, with its Age counted within the current minute. How long
 * it keeps answers decides how many searches find one: searches come from tens of thousands of places,
 * and at a thousand searches a second a minute's answers held about 57% of the next searches' places, ten
 * minutes' 76% (a replay of the benchmark's population workload).
 *
 * An answer is kept from the second time it is asked (`admitAfter`): most places asked once are not asked
 * again soon (a phone's own location, to the meter), and kept at once they would push out the places that are.
 */
export interface PublicCacheOptions {
  /** The most answers kept. */
  maxEntries?: number;
  /** The most bytes of answers (and their keys) kept. */
  maxBytes?: number;
  /** The longest anyone downstream (browsers, CDNs) may keep an answer, whatever its policy says (seconds). */
  maxAgeSeconds?: number;
  /** How long this process keeps an answer while no listing changes (seconds; 600 by default). */
  keepSeconds?: number;
  /**
   * The misses of one question before its answer is kept: 2 (the default) keeps it from its second asking,
   * 1 at once. The questions missed are remembered by their key (a digest), at most `maxEntries` of them.
   */
  admitAfter?: number;
  /**
   * With a read replica, answers computed this soon after a drop are sent but not kept: the replica may not
   * have replayed the change yet, and a stale answer kept would outlive the drop.
   */
  settleMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

interface Entry {
  /**
   * The answer as computed, kept as it is only when it is too small to compress. A larger one is kept compressed
   * (KEPT_AS), a fifth to a seventh of its size, so the same bytes hold four or more times the answers.
   */
  body?: string;
  /** The answer compressed, by encoding: KEPT_AS when kept, another on the first hit that asks for it. */
  encoded: Partial<Record<Encoding, Buffer>>;
  compressible: boolean;
  contentType: string;
  etag: string;
  storedAt: number;
  maxAge: number;
}

/** What the request hooks leave on a request's notes for the answer's way out. */
export interface CacheNote {
  key: string;
  /** How many drops there had been when the request came: one since means its answer may predate a change. */
  generation: number;
  /** Set once the operation is known to be a public query for an anonymous viewer: how long to keep it. */
  maxAge?: number;
  hit?: boolean;
  /** Asked often enough (admitAfter) for its answer to be kept. */
  admit?: boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  stored: number;
  entries: number;
  drops: number;
  /** Times an answer kept was compressed (once per answer and encoding, however often it is sent). */
  compressed: number;
  /** Answers not kept because their question had not been asked often enough yet (admitAfter). */
  notAdmitted: number;
}

/**
 * What bounds the cache is its bytes; the count only bounds the bookkeeping. Searches come from tens of
 * thousands of places (41,898 ZIP codes weighted by population in the benchmark): at 5,000 answers the
 * cache forgot a place before it was asked again, and answered 37% from memory where room for all of them
 * answers 71% (at 1,500 searches a second, 60 s max-age).
 */
export const DEFAULT_PUBLIC_CACHE_ENTRIES = 50_000;
export const DEFAULT_PUBLIC_CACHE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_PUBLIC_CACHE_KEEP_SECONDS = 600;
/**
 * How a compressible answer is kept: brotli, what browsers ask for. A client that asks for gzip gets a gzip copy
 * made once from it, one that accepts neither the answer decompressed (about 12 µs for a search's 3 kB).
 */
const KEPT_AS: Encoding = 'br';

export interface PublicCache {
  /** Fastify preHandler on /graphql: answers a hit; else notes the key for the store on the way out. */
  lookup(request: FastifyRequest, reply: FastifyReply, notes: RequestNotes): FastifyReply | undefined;
  /** The Apollo plugin that decides, per operation, whether its answer may be kept. */
  plugin(schema: GraphQLSchema): ApolloServerPlugin<Context>;
  /**
   * Fastify onSend on /graphql: keeps an answer that may be kept, and sets its caching headers. Returns what to
   * send: the payload, or the compressed copy it kept when that is what the client accepts (content-encoding set).
   */
  store(request: FastifyRequest, reply: FastifyReply, notes: RequestNotes, payload: unknown): unknown;
  /** Drops every answer (a listing changed). */
  clear(): void;
  stats(): CacheStats;
}

/** The part of a request that decides its answer: the operation, its variables and what form it is wanted in. */
function keyOf(request: FastifyRequest): string | undefined {
  const accept = request.headers.accept ?? '';
  let fields: Record<string, unknown> | undefined;
  if (request.method === 'GET') fields = request.query as Record<string, unknown>;
  else if (request.method === 'POST' && request.body && typeof request.body === 'object')
    fields = Array.isArray(request.body) ? undefined : (request.body as Record<string, unknown>);
  if (!fields) return undefined;
  const text = (v: unknown) =>
    v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // Kept by a digest of the question, not the question (which holds the whole document): a few hundred bytes less
  // per answer kept, which is a fifth of a search's answer kept compressed. SHA-256, so no one can make two
  // questions that share a key.
  return createHash('sha256')
    .update(
      JSON.stringify([
        accept,
        text(fields.query),
        text(fields.operationName),
        text(fields.variables),
        text(fields.extensions),
      ]),
    )
    .digest('base64url');
}

/** Apollo's CSRF prevention refuses a GET that a browser could send cross-site unprompted; a hit must too. */
function passesCsrfPrevention(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return true;
  const h = request.headers;
  return Boolean(h['apollo-require-preflight'] || h['x-apollo-operation-name']);
}

export function createPublicCache(
  options: PublicCacheOptions & { cookieName: string; replica?: boolean },
): PublicCache {
  const now = options.now ?? Date.now;
  const ceiling = options.maxAgeSeconds ?? 60;
  const keepMs = (options.keepSeconds ?? DEFAULT_PUBLIC_CACHE_KEEP_SECONDS) * 1000;
  const admitAfter = Math.max(1, options.admitAfter ?? 2);
  const settleMs = options.replica ? (options.settleMs ?? 5_000) : 0;
  const entries = new LRUCache<string, Entry>({
    max: options.maxEntries ?? DEFAULT_PUBLIC_CACHE_ENTRIES,
    maxSize: options.maxBytes ?? DEFAULT_PUBLIC_CACHE_BYTES,
    // The body and the compressed copies made of it so far.
    sizeCalculation: (entry, key) =>
      (entry.body?.length ?? 0) +
      (entry.encoded.br?.length ?? 0) +
      (entry.encoded.gzip?.length ?? 0) +
      key.length +
      200,
  });
  // The questions missed so far and how often, by their key.
  const missed = new LRUCache<string, number>({ max: options.maxEntries ?? DEFAULT_PUBLIC_CACHE_ENTRIES });
  const counts = { hits: 0, misses: 0, stored: 0, drops: 0, compressed: 0, notAdmitted: 0 };
  let droppedAt = Number.NEGATIVE_INFINITY;
  let generation = 0;

  /** Headers for an answer kept `age` seconds: downstream may keep it to the end of its current maxAge. */
  const headers = (reply: FastifyReply, request: FastifyRequest, entry: Entry, kept: number) => {
    const age = entry.maxAge > 0 ? kept % entry.maxAge : 0;
    void reply.header('etag', entry.etag);
    if (entry.compressible) varyOnEncoding(reply);
    void reply.header(
      'cache-control',
      request.method === 'GET'
        ? `public, max-age=${Math.max(0, entry.maxAge - age)}, stale-while-revalidate=${entry.maxAge}`
        : 'no-store',
    );
    if (age > 0) void reply.header('age', String(age));
  };

  return {
    lookup(request, reply, notes) {
      if (request.cookies[options.cookieName] !== undefined || !passesCsrfPrevention(request))
        return undefined;
      const key = keyOf(request);
      if (key === undefined) return undefined;
      const entry = entries.get(key);
      const t = now();
      if (entry && t - entry.storedAt < keepMs) {
        counts.hits++;
        notes.cache = { key, generation, hit: true };
        const age = Math.floor((t - entry.storedAt) / 1000);
        headers(reply, request, entry, age);
        void reply.header('x-kapmap-cache', 'hit');
        if (request.method === 'GET' && request.headers['if-none-match'] === entry.etag)
          return reply.status(304).send();
        const encoding = entry.compressible ? acceptedEncoding(request) : null;
        let bytes = encoding ? entry.encoded[encoding] : undefined;
        if (encoding && !bytes) {
          // Compressed once, not on every hit. Kept in a new entry, so its size is counted again with the copy.
          bytes = compress(bodyOf(entry), encoding);
          counts.compressed++;
          entries.set(key, { ...entry, encoded: { ...entry.encoded, [encoding]: bytes } });
        }
        if (encoding && bytes) {
          // @fastify/compress leaves an answer that says its encoding alone.
          void reply.header('content-encoding', encoding);
          return reply.status(200).type(entry.contentType).send(bytes);
        }
        return reply.status(200).type(entry.contentType).send(bodyOf(entry));
      }
      counts.misses++;
      let admit = admitAfter === 1;
      if (!admit) {
        const times = (missed.get(key) ?? 0) + 1;
        admit = times >= admitAfter;
        if (admit) missed.delete(key);
        else missed.set(key, times);
      }
      notes.cache = { key, generation, admit };
      return undefined;
    },

    plugin(schema) {
      const policyOf = cachePolicies(schema);
      return {
        async requestDidStart({ contextValue }) {
          const note = contextValue.notes.cache;
          if (!note) return;
          return {
            async didResolveOperation({ document, operation }) {
              if (!operation) return;
              const policy = policyOf(document, operation);
              if (policy.maxAge > 0 && policy.scope === 'PUBLIC')
                note.maxAge = Math.min(policy.maxAge, ceiling);
            },
            async willSendResponse({ response, contextValue: ctx }) {
              // Only a whole answer without errors, to someone still anonymous at the end.
              if (
                response.body.kind !== 'single' ||
                response.body.singleResult.errors?.length ||
                ctx.viewer !== null
              )
                delete note.maxAge;
            },
          };
        },
      };
    },

    store(request, reply, notes, payload) {
      const note = notes.cache;
      if (note?.hit) return payload;
      if (!note) {
        void reply.header('cache-control', 'no-store');
        return payload;
      }
      const keep =
        note.maxAge !== undefined &&
        reply.statusCode === 200 &&
        typeof payload === 'string' &&
        !reply.hasHeader('set-cookie') &&
        note.generation === generation &&
        now() >= droppedAt + settleMs;
      if (!keep || note.maxAge === undefined || typeof payload !== 'string') {
        void reply.header('cache-control', 'no-store');
        return payload;
      }
      const compressible = Buffer.byteLength(payload) >= COMPRESS_THRESHOLD;
      const entry: Entry = {
        encoded: {},
        compressible,
        contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
        // Weak: the same answer goes out as brotli, gzip or as it is, byte for byte different.
        etag: `W/"${createHash('sha1').update(payload).digest('base64url')}"`,
        storedAt: now(),
        maxAge: note.maxAge,
      };
      headers(reply, request, entry, 0);
      void reply.header('x-kapmap-cache', 'miss');
      // Not kept before its question is asked again (admitAfter), but as cacheable downstream as if it were.
      if (!note.admit) {
        counts.notAdmitted++;
        return payload;
      }
      counts.stored++;
      if (!compressible) {
        entries.set(note.key, { ...entry, body: payload });
        return payload;
      }
      const kept = compress(payload, KEPT_AS);
      counts.compressed++;
      entries.set(note.key, { ...entry, encoded: { [KEPT_AS]: kept } });
      if (acceptedEncoding(request) !== KEPT_AS) return payload;
      // The copy kept is what this client asked for: sent as it is, not compressed a second time.
      void reply.header('content-encoding', KEPT_AS);
      return kept;
    },

    clear() {
      entries.clear();
      counts.drops++;
      generation++;
      droppedAt = now();
    },

    stats: () => ({ ...counts, entries: entries.size }),
  };
}

/** A kept answer's text: as kept when small, else decompressed from the copy kept. */
function bodyOf(entry: Entry): string {
  if (entry.body !== undefined) return entry.body;
  const kept = entry.encoded[KEPT_AS];
  if (!kept) throw new Error('A kept answer has neither its text nor its compressed copy.');
  return decompress(kept, KEPT_AS);
}

/**
 * Drops the cache whenever PostgreSQL says a listing changed, and when listening (re)starts: a lost
 * connection may have missed notifications. Resolves to what stops listening.
 */
export function dropOnListingChange(db: Pick<DbHandle, 'listen'>, cache: PublicCache) {
  return db.listen(
    LISTINGS_CHANNEL,
    () => cache.clear(),
    () => cache.clear(),
  );
}
