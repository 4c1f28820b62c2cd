import { locationRoutes, locations } from '@kapmap/db/schema';
import { type DistanceUnit, fromMeters, PlaceNotFoundError, type ResolvedPlace, toMeters } from '@kapmap/geo';
import { MAX_CELLS, MAX_ZOOM } from '@kapmap/geo/map-grid';
import { LANGUAGES } from '@kapmap/validation';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { DIRECTORY_CACHE } from '../../graphql/cache-policy.js';
import { badUserInput } from '../../graphql/errors.js';
import { capped } from '../../graphql/limits.js';
import { placeholders, prebound, runPlanned, tag } from '../../graphql/plan-cache.js';
import {
  decodeCursor,
  decodeOffsetCursor,
  encodeCursor,
  encodeOffsetCursor,
  type OffsetCursor,
} from './cursor.js';
import { Location } from './location.js';
import { referenceCodes } from './reference-codes.js';
import {
  type Bind,
  type BoundedCount,
  boxSql,
  clustersNearby,
  countNearby,
  cutPage,
  greatCircleMeters,
  indexDistance,
  type LocationFilter,
  literalLimit,
  MAX_CLUSTER_ZOOM,
  type MapCell,
  type NearbyPoint,
  type NearbyQuery,
  type NearbyRow,
  type NearbySummary,
  pointsNearby,
  type SearchCursor,
  summarizeNearby,
  telehealthOrder,
  telehealthSql,
  type ViewBox,
} from './search.js';

const MAX_RADIUS_MILES = 500;
const MAX_RADIUS_KM = 805;
const MAX_TEXT = 100;
/** The most points one search draws on a map; `totalCount` says when there are more. */
export const MAX_POINTS = 10_000;
/** The largest page of nearby locations, and the most telehealth programs listed for a state. */
export const MAX_PAGE = 100;
export const MAX_TELEHEALTH = 100;

export const DistanceUnitEnum = builder.enumType('DistanceUnit', {
  values: {
    MILES: { description: 'Statute miles (1,609.344 m).' },
    KILOMETERS: { description: 'Kilometers.' },
  } as const,
});

export const LocationSortEnum = builder.enumType('LocationSort', {
  description: 'The order of a search’s results. Every order is within the radius; ties go nearest first.',
  values: {
    DISTANCE: { description: 'Nearest first (the default).' },
    WAIT: { description: 'Shortest typical wait first; locations that state none come last.' },
    PRICE: {
      description:
        'Lowest self-pay price per session (of any route) first; locations that publish none come last.',
    },
  } as const,
});

export const GeoPointInput = builder.inputType('GeoPointInput', {
  description: 'A point in WGS 84 degrees.',
  fields: (t) => ({
    lat: t.float({ required: true, description: 'Latitude, -90 to 90.' }),
    lng: t.float({ required: true, description: 'Longitude, -180 to 180.' }),
  }),
});

const LocationFilterInput = builder.inputType('LocationFilter', {
  description: 'Narrows a search. Filters combine: a location must pass every one given.',
  fields: (t) => ({
    conditions: t.stringList({ description: 'Condition codes: a location must accept every one.' }),
    routes: t.stringList({ description: 'Route codes: a location must offer at least one.' }),
    insurance: t.stringList({ description: 'Payer codes: a location must accept at least one.' }),
    acceptingNewPatients: t.boolean({
      description: 'Only locations that are (true) or are not (false) taking new patients.',
    }),
    languages: t.stringList({
      description: 'Language codes (see Query.languages): a location must offer care in at least one.',
    }),
    age: t.int({
      description: 'The patient’s age in years, 0 to 120: drops locations whose stated ages leave it out.',
    }),
    text: t.string({ description: 'Matches part of the clinic’s or the location’s name, ignoring case.' }),
  }),
});

/** A latitude or longitude argument, with a message that names the field. */
const lat = (field: string) =>
  z.number().min(-90, `${field} must be between -90 and 90.`).max(90, `${field} must be between -90 and 90.`);
const lng = (field: string) =>
  z
    .number()
    .min(-180, `${field} must be between -180 and 180.`)
    .max(180, `${field} must be between -180 and 180.`);

const argsSchema = z
  .object({
    near: z
      .object({
        lat: lat('near.lat'),
        lng: lng('near.lng'),
      })
      .nullish(),
    place: z.string().max(200, 'place can be at most 200 characters.').nullish(),
    radius: z.number().nullish(),
    unit: z.enum(['MILES', 'KILOMETERS']).nullish(),
    filter: z
      .object({
        text: z.string().max(MAX_TEXT, `filter.text can be at most ${MAX_TEXT} characters.`).nullish(),
      })
      .passthrough()
      .nullish(),
    first: z
      .number()
      .int()
      .min(1, 'first must be from 1 to 100.')
      .max(100, 'first must be from 1 to 100.')
      .nullish(),
    after: z.string().nullish(),
    sort: z.enum(['DISTANCE', 'WAIT', 'PRICE']).nullish(),
  })
  .superRefine((a, ctx) => {
    if ((a.near == null) === (a.place == null)) {
      ctx.addIssue({
        code: 'custom',
        path: [a.near == null ? 'place' : 'near'],
        message: 'Give exactly one of near (a point) and place (a ZIP code or "City, ST").',
      });
    }
    const unit = a.unit ?? 'MILES';
    const cap = unit === 'MILES' ? MAX_RADIUS_MILES : MAX_RADIUS_KM;
    const radius = a.radius ?? 25;
    if (!(radius > 0) || radius > cap) {
      ctx.addIssue({
        code: 'custom',
        path: ['radius'],
        message: `radius must be more than 0 and at most ${cap} ${unit === 'MILES' ? 'miles' : 'km'}.`,
      });
    }
  });

/** What the connection's fields read from: computed lazily, so a client pays only for what it asks. */
interface SearchResult {
  query: NearbyQuery;
  origin: ResolvedPlace;
  unit: DistanceUnit;
  after: SearchCursor | OffsetCursor | null;
  page: () => Promise<SearchPage>;
  summary: () => Promise<NearbySummary>;
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}

const ResolvedPlaceRef = builder.objectRef<ResolvedPlace>('ResolvedPlace').implement({
  ...DIRECTORY_CACHE,
  description: 'The point a search was made from.',
  fields: (t) => ({
    lat: t.exposeFloat('lat'),
    lng: t.exposeFloat('lng'),
    label: t.exposeString('label', {
      description: 'What to call the place: "Raleigh, NC 27609", "Near Cary, NC".',
    }),
    state: t.exposeString('state', {
      nullable: true,
      description: 'USPS code of the state the point is in; null outside the US.',
    }),
  }),
});

/** The most a bounded count counts to. */
export const MAX_COUNT = 10_000;

const BoundedCountRef = builder.objectRef<BoundedCount>('BoundedCount').implement({
  ...DIRECTORY_CACHE,
  description: 'A count that stops at a cap: exact up to it, else "more than value".',
  fields: (t) => ({
    value: t.exposeInt('value', {
      description: 'How many were counted: all of them when exact, else the cap.',
    }),
    exact: t.exposeBoolean('exact', {
      description: 'False when there are more than value (show "more than value").',
    }),
  }),
});

const GeoBounds = builder.objectRef<ViewBox>('GeoBounds').implement({
  ...DIRECTORY_CACHE,
  description: 'A box around points, in degrees: what a map should fit.',
  fields: (t) => ({
    north: t.exposeFloat('north'),
    south: t.exposeFloat('south'),
    east: t.exposeFloat('east'),
    west: t.exposeFloat('west'),
  }),
});

const LocationPoint = builder.objectRef<NearbyPoint>('LocationPoint').implement({
  ...DIRECTORY_CACHE,
  description: 'Where a matching street location is, and nothing else: what a map draws.',
  fields: (t) => ({
    id: t.id({
      description: 'The Location’s ID, as in `edges.node.id`.',
      resolve: (p) => encodeGlobalID('Location', p.id),
    }),
    lat: t.exposeFloat('lat'),
    lng: t.exposeFloat('lng'),
  }),
});

const ViewBoxInput = builder.inputType('GeoBoundsInput', {
  description: 'A box in degrees (the part of a map on screen). west > east crosses the antimeridian.',
  fields: (t) => ({
    north: t.float({ required: true }),
    south: t.float({ required: true }),
    east: t.float({ required: true }),
    west: t.float({ required: true }),
  }),
});

const MapClusterRef = builder.objectRef<MapCell>('MapCluster').implement({
  ...DIRECTORY_CACHE,
  description:
    'A cell of the map’s grid at the zoom asked for: one location (id is set), or a cluster of count locations drawn at their center.',
  fields: (t) => ({
    count: t.exposeInt('count'),
    lat: t.exposeFloat('lat', {
      description: 'The center of the cell’s locations (the location itself for one).',
    }),
    lng: t.exposeFloat('lng'),
    id: t.id({
      nullable: true,
      description: 'The Location’s ID when the cell holds one location; null for a cluster.',
      resolve: (c) => (c.id ? encodeGlobalID('Location', c.id) : null),
    }),
    bounds: t.field({
      type: GeoBounds,
      description: 'The box around the cell’s locations: where to zoom to take a cluster apart.',
      resolve: (c) => c.bounds,
    }),
  }),
});

/** A row of a page: where it stands, and the Location loaded with what the client selected of it. */
type PageRow = NearbyRow & { node: object };
/**
 * A page of a search, and the cursor of its row at an index: written only when a client asks for it (most
 * ask for the last row's alone, through pageInfo).
 */
interface SearchPage {
  rows: PageRow[];
  hasNextPage: boolean;
  cursor: (index: number) => string;
}
const LocationSearchEdge = builder.objectRef<{
  row: PageRow;
  unit: DistanceUnit;
  index: number;
  page: SearchPage;
}>('LocationSearchEdge');

const LocationSearchConnection = builder.objectRef<SearchResult>('LocationSearchConnection').implement({
  ...DIRECTORY_CACHE,
  description: 'Street locations near a place, nearest first, and the telehealth programs for its state.',
  fields: (t) => ({
    edges: t.field({
      type: [LocationSearchEdge],
      // The page's size is the search's `first`, at most 100: the row count takes the most.
      ...capped(MAX_PAGE),
      description: 'One page of street locations, nearest first, ties by ID.',
      resolve: async (r) => {
        const page = await r.page();
        return page.rows.map((row, index) => ({ row, unit: r.unit, index, page }));
      },
    }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      resolve: async (r) => {
        const { rows, hasNextPage, cursor } = await r.page();
        return {
          hasNextPage,
          hasPreviousPage: r.after !== null,
          startCursor: rows.length > 0 ? cursor(0) : null,
          endCursor: rows.length > 0 ? cursor(rows.length - 1) : null,
        };
      },
    }),
    totalCount: t.int({
      description:
        'Every matching street location in the radius. Counting costs a scan of the radius: ask only when shown, or ask boundedCount, which stops at a cap.',
      resolve: async (r) => (await r.summary()).total,
    }),
    boundedCount: t.field({
      type: BoundedCountRef,
      description: `How many street locations match in the radius, counted up to \`upTo\` (1 to ${MAX_COUNT.toLocaleString('en-US')}, default 1,000): exact when there are at most that many, else \`exact: false\`. Costs at most \`upTo\` rows, where totalCount scans the radius.`,
      args: { upTo: t.arg.int({ defaultValue: 1000 }) },
      validate: z.object({
        upTo: z
          .number()
          .int()
          .min(1, `upTo must be from 1 to ${MAX_COUNT}.`)
          .max(MAX_COUNT, `upTo must be from 1 to ${MAX_COUNT}.`)
          .nullish(),
      }),
      resolve: (r, args, ctx) => countNearby(ctx.db, r.query, args.upTo ?? 1000),
    }),
    bounds: t.field({
      type: GeoBounds,
      nullable: true,
      description: 'The box around every match in the radius (not only this page); null when none matches.',
      resolve: async (r) => (await r.summary()).bounds,
    }),
    points: t.field({
      type: [LocationPoint],
      description: `Every matching street location in the radius (not only this page) as a bare point, nearest first, at most \`first\` (1 to ${MAX_POINTS.toLocaleString('en-US')}). For a map: compare with totalCount to tell whether some are left out.`,
      args: { first: t.arg.int({ defaultValue: 5000 }) },
      validate: z.object({
        first: z
          .number()
          .int()
          .min(1, `first must be from 1 to ${MAX_POINTS}.`)
          .max(MAX_POINTS, `first must be from 1 to ${MAX_POINTS}.`)
          .nullish(),
      }),
      resolve: (r, args, ctx) => pointsNearby(ctx.db, r.query, args.first ?? 5000),
    }),
    mapClusters: t.field({
      type: [MapClusterRef],
      ...capped(MAX_CELLS),
      description: `What a map draws at \`zoom\` (0 to ${MAX_ZOOM}): every matching street location in the radius, and in \`within\` if given (the part on screen), counted on a grid of cells 64 px wide at that zoom, fixed to the world. A cell with one location is that location; above zoom ${MAX_CLUSTER_ZOOM} every location is its own cell. At most ${MAX_CELLS.toLocaleString('en-US')} cells, the fullest first: the counts add up to boundedCount when none is left out. Costs a pass over the matches in view, not a row per location sent.`,
      args: {
        zoom: t.arg.int({ required: true }),
        within: t.arg({ type: ViewBoxInput }),
      },
      validate: z.object({
        zoom: z
          .number()
          .int()
          .min(0, `zoom must be a whole number from 0 to ${MAX_ZOOM}.`)
          .max(MAX_ZOOM, `zoom must be a whole number from 0 to ${MAX_ZOOM}.`),
        within: z
          .object({
            north: lat('within.north'),
            south: lat('within.south'),
            east: lng('within.east'),
            west: lng('within.west'),
          })
          .refine((b) => b.south <= b.north, 'within.south must not be north of within.north.')
          .nullish(),
      }),
      resolve: (r, args, ctx) => clustersNearby(ctx.db, r.query, args.zoom, args.within ?? null, MAX_CELLS),
    }),
    origin: t.field({ type: ResolvedPlaceRef, resolve: (r) => r.origin }),
    telehealth: t.drizzleField({
      type: [Location],
      ...capped(MAX_TELEHEALTH),
      description:
        'Telehealth and at-home programs serving the state of the origin that pass the same filters; ' +
        'empty when the origin is in no state.',
      resolve: async (query, r, _args, ctx, info) => {
        const state = r.origin.state;
        if (!state) return [];
        // One statement: the programs and whatever the client selected of them, built once per selection and
        // filter shape (graphql/plan-cache.ts), as the page's is; every value goes through `bind`.
        const values: Record<string, unknown> = {};
        const bind = placeholders(values);
        const { where, orderBy } = prebound(locations, {
          where: (l: typeof locations) => telehealthSql(l, state, r.query.filter, bind),
          orderBy: telehealthOrder,
        });
        const seed = {
          where: { RAW: where },
          orderBy,
          limit: tag(`limit ${MAX_TELEHEALTH}`, literalLimit(MAX_TELEHEALTH)),
        };
        return runPlanned(
          ctx,
          info,
          'telehealth',
          seed,
          values,
          () => query(seed),
          (plan) => ctx.db.query.locations.findMany(plan),
        );
      },
    }),
  }),
});

LocationSearchEdge.implement({
  ...DIRECTORY_CACHE,
  description: 'A location in search results, with its distance from the origin.',
  fields: (t) => ({
    cursor: t.string({ resolve: (e) => e.page.cursor(e.index) }),
    distance: t.float({
      description: 'Great-circle distance from the origin, in the unit the search asked for, unrounded.',
      resolve: (e) => fromMeters(e.row.meters, e.unit),
    }),
    node: t.field({ type: Location, resolve: (e) => e.row.node as never }),
  }),
});

/** Codes in a filter list: trimmed, deduplicated, each checked against the reference data. */
function checkCodes(
  list: readonly string[] | null | undefined,
  known: ReadonlySet<string>,
  field: string,
): string[] {
  const codes = [...new Set((list ?? []).map((c) => c.trim()))];
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw badUserInput(
      `Unknown ${field} code${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Known codes: ${[...known].join(', ')}.`,
      'filter',
      `filter.${field}`,
    );
  }
  return codes;
}

const LANGUAGE_CODES = new Set(Object.keys(LANGUAGES));

function checkAge(age: number | null | undefined): number | null {
  if (age == null) return null;
  if (age < 0 || age > 120)
    throw badUserInput('An age is a whole number of years from 0 to 120.', 'filter', 'filter.age');
  return age;
}

/** What a sorted search orders by: the location's typical wait, or its lowest self-pay price. */
function sortValue(l: typeof locations, sort: 'WAIT' | 'PRICE'): SQL {
  return sort === 'WAIT'
    ? sql`${l.typicalWaitDays}`
    : sql`(SELECT min(lr.price_cents) FROM ${locationRoutes} lr WHERE lr.location_id = ${l.id})`;
}

builder.queryField('searchLocations', (t) =>
  t.field({
    type: LocationSearchConnection,
    description:
      'Exactly one of near and place. radius > 0 and at most 500 miles (805 km); first 1..100. ' +
      'Street locations of published clinics within the radius, nearest first; telehealth programs for the ' +
      'state searched from are listed apart.',
    args: {
      near: t.arg({ type: GeoPointInput, description: 'Search around this point.' }),
      place: t.arg.string({ description: 'Search around a US ZIP code (27609) or a city ("Raleigh, NC").' }),
      radius: t.arg.float({ defaultValue: 25, description: 'How far to look, in `unit`.' }),
      unit: t.arg({ type: DistanceUnitEnum, defaultValue: 'MILES' }),
      filter: t.arg({ type: LocationFilterInput }),
      first: t.arg.int({ defaultValue: 20, description: 'Page size, 1 to 100.' }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      sort: t.arg({ type: LocationSortEnum, defaultValue: 'DISTANCE' }),
    },
    validate: argsSchema,
    resolve: async (_root, args, ctx, info) => {
      const sort = args.sort ?? 'DISTANCE';
      let after: SearchCursor | OffsetCursor | null = null;
      if (args.after != null) {
        after = sort === 'DISTANCE' ? decodeCursor(args.after) : decodeOffsetCursor(args.after);
        if (!after || ('sort' in after && after.sort !== sort))
          throw badUserInput(
            'after is not a cursor from this search: start again from the first page.',
            'after',
          );
      }
      const codes = await referenceCodes(ctx);
      const f = args.filter;
      const text = f?.text?.trim();
      const filter: LocationFilter = {
        conditions: checkCodes(f?.conditions, codes.conditions, 'conditions'),
        routes: checkCodes(f?.routes, codes.routes, 'routes'),
        insurance: checkCodes(f?.insurance, codes.insurance, 'insurance'),
        acceptingNewPatients: f?.acceptingNewPatients ?? null,
        languages: checkCodes(f?.languages, LANGUAGE_CODES, 'languages'),
        age: checkAge(f?.age),
        text: text ? text : null,
      };

      let origin: ResolvedPlace;
      if (args.near) {
        origin = ctx.geocoder.describePoint(args.near);
      } else {
        try {
          origin = await ctx.geocoder.geocode(args.place ?? '');
        } catch (error) {
          if (error instanceof PlaceNotFoundError) {
            const e = badUserInput(error.message, 'place');
            // "Springfield" alone: the places it may be, for the client to offer as choices.
            if (error.choices.length > 0) e.extensions.choices = error.choices;
            throw e;
          }
          throw error;
        }
      }
      const unit: DistanceUnit = args.unit ?? 'MILES';
      const query: NearbyQuery = { origin, radiusMeters: toMeters(args.radius ?? 25, unit), filter };
      const first = args.first ?? 20;
      return {
        query,
        origin,
        unit,
        after,
        page: once(async () => {
          // One statement for the page and everything selected beneath edges.node: the nearest rows come
          // from the GiST index, and drizzle's relational query joins in what the client asked for.
          const distanceAfter = after && 'key' in after ? after : null;
          const offset = after && 'offset' in after ? after.offset : 0;
          const fetch = (
            extra: { shape: string; sql: (l: typeof locations, bind: Bind) => SQL } | null,
            limit?: number,
          ) => {
            // The statement is built with placeholders, once per shape and selection (graphql/plan-cache.ts);
            // every value goes through `bind`, here first so a statement from the cache has them all.
            const values: Record<string, unknown> = {};
            const bind = placeholders(values);
            const key = (l: typeof locations) => indexDistance(l, query, bind);
            const { where, meters, orderBy } = prebound(locations, {
              where: (l: typeof locations) =>
                extra
                  ? sql`${boxSql(l, query, distanceAfter, bind)} AND ${extra.sql(l, bind)}`
                  : boxSql(l, query, distanceAfter, bind),
              meters: (l: typeof locations) => greatCircleMeters(l, query, bind),
              orderBy:
                sort === 'DISTANCE'
                  ? (l: typeof locations) => key(l)
                  : (l: typeof locations) => [sql`${sortValue(l, sort)} ASC NULLS LAST`, key(l), l.id],
            });
            const skip = sort === 'DISTANCE' || offset === 0 ? null : bind('offset', offset);
            const seed = {
              columns: { id: true } as const,
              extras: { meters, key: tag('key', key) },
              where: { RAW: where },
              orderBy,
              // Written into the statement, not bound (literalLimit); the fingerprint names it by its value.
              ...(limit === undefined ? {} : { limit: tag(`limit ${limit}`, literalLimit(limit)) }),
              ...(skip === null ? {} : { offset: skip }),
            };
            // Beyond the names bound (the filter's parts, a cursor, an offset, ties) and the seed's fingerprint
            // (which holds the page size), the SQL differs only by the order, and by the radius check a sorted
            // search adds.
            const shape = `searchLocations|${sort}|${extra?.shape ?? ''}`;
            return runPlanned(
              ctx,
              info,
              shape,
              seed,
              values,
              () =>
                t.drizzleQueryFromInfo('locations', { context: ctx, info, path: ['edges', 'node'], ...seed }),
              (plan) => ctx.db.query.locations.findMany(plan),
            ).then((rows) =>
              rows.map((node) => ({
                id: node.id,
                meters: Number(node.meters),
                key: Number(node.key),
                node,
              })),
            );
          };
          if (sort !== 'DISTANCE') {
            // Sorted by wait or price: every match in the radius takes part (the exact radius in SQL), in
            // pages by position. A radius holds a bounded number of locations.
            const rows = await fetch(
              {
                shape: 'radius',
                sql: (l, bind) =>
                  sql`${greatCircleMeters(l, query, bind)} <= ${bind('radius', query.radiusMeters)}::float8`,
              },
              first + 1,
            );
            return {
              rows: rows.slice(0, first),
              hasNextPage: rows.length > first,
              cursor: (i) => encodeOffsetCursor({ sort, offset: offset + i + 1 }),
            };
          }
          const rows = await fetch(null, first + 1);
          const page = await cutPage(rows, first, query.radiusMeters, (key) =>
            fetch({
              shape: 'tie',
              sql: (l, bind) => sql`${indexDistance(l, query, bind)} = ${bind('tie', key)}::float8`,
            }),
          );
          return {
            ...page,
            cursor: (i) => {
              const row = page.rows[i];
              if (!row) throw new Error(`No row ${i} in a page of ${page.rows.length}.`);
              return encodeCursor(row);
            },
          };
        }),
        summary: once(() => summarizeNearby(ctx.db, query)),
      } satisfies SearchResult;
    },
  }),
);
