import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLOutputType,
  getNamedType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { argumentsOf, executableDefinitions, fragmentsOf, variablesIn } from './selections.js';

/**
 * What one request may cost, counted in rows: every object a response can hold, each list of objects
 * counted with its multiplicity (its `first`, or else the cap it declares). A query whose worst case holds
 * more rows than this is refused before it runs, whatever its depth or its number of fields.
 */
export const MAX_ROWS = 50_000;

/** The largest answer the server sends; a larger one is replaced by a RESPONSE_TOO_LARGE error. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** The most tokens a document may hold: a 10,000-level query is refused by the parser, not the call stack. */
export const MAX_TOKENS = 1_500;

/** The most aliases one operation may hold, `__typename` included. */
export const MAX_ALIASES = 15;

/**
 * Every list of objects a client can reach declares how many items it returns at most (and its resolver
 * returns no more): `...capped(100)` in its field options. The row count reads it; a schema test requires it.
 */
export function capped(maxItems: number) {
  return { extensions: { maxItems } } as const;
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** A list field's multiplicity: its `first` argument when it has one, else its declared cap. */
function multiplicity(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  const first = args.first;
  if (typeof first === 'number' && Number.isFinite(first) && first > 0) return first;
  const declared = field.extensions?.maxItems;
  // An undeclared list is a defect the schema test catches; until then, assume it is large.
  return typeof declared === 'number' ? declared : 1_000;
}

/**
 * A connection's page size is its field's `first`, but the list that holds the page is its `edges`: each
 * `edges` selection is mapped to the `first` of the field it sits in, so a page of 20 counts as 20.
 */
function pageSizes(document: DocumentNode, variables: Record<string, unknown>): WeakMap<FieldNode, number> {
  const sizes = new WeakMap<FieldNode, number>();
  const fragments = fragmentsOf(document);
  const firstOf = (node: FieldNode): number | null => {
    const arg = node.arguments?.find((a) => a.name.value === 'first');
    if (!arg) return null;
    const v = arg.value;
    if (v.kind === Kind.INT) return Number(v.value);
    if (v.kind === Kind.VARIABLE) {
      const sent = variables[v.name.value];
      return typeof sent === 'number' ? sent : null;
    }
    return null;
  };
  const edgesIn = (set: SelectionSetNode | undefined, seen: Set<string>): FieldNode[] =>
    (set?.selections ?? []).flatMap((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === 'edges' ? [s] : [];
      if (s.kind === Kind.INLINE_FRAGMENT) return edgesIn(s.selectionSet, seen);
      const name = s.name.value;
      if (seen.has(name)) return [];
      return edgesIn(fragments[name]?.selectionSet, new Set([...seen, name]));
    });
  visit(document, {
    Field(node) {
      const first = firstOf(node);
      if (first === null) return;
      for (const edges of edgesIn(node.selectionSet, new Set()))
        sizes.set(edges, Math.max(first, sizes.get(edges) ?? 0));
    },
  });
  return sizes;
}

/** Rows: an object is one, its children are counted inside it, a list multiplies all of that. Scalars are free. */
function rowEstimator(pages: WeakMap<FieldNode, number>): ComplexityEstimator {
  return ({ type, field, node, args, childComplexity }) => {
    // Introspection is bounded by the schema itself.
    if (type.name.startsWith('__') || field.name.startsWith('__')) return childComplexity;
    const named = getNamedType(field.type);
    if (!isObjectType(named) && !isAbstractType(named)) return 0;
    const rows = 1 + childComplexity;
    if (!isList(field.type)) return rows;
    return rows * Math.min(pages.get(node) ?? Number.POSITIVE_INFINITY, multiplicity(field, args));
  };
}

/**
 * The variables a document's row count depends on: those sent as a `first` (a page's size) or to a directive
 * (`@include(if: $x)` drops a selection). Any other variable (a point, a filter) leaves the count alone.
 */
function countingVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  for (const definition of executableDefinitions(document))
    for (const arg of argumentsOf(definition)) {
      if (arg.on === 'directive') for (const name of variablesIn(arg.value)) names.add(name);
      else if (arg.name === 'first' && arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
    }
  return [...names].sort();
}

/** The most counts kept per document: one per operation and set of page sizes a client sends. */
const COUNTS_PER_DOCUMENT = 64;

/**
 * Refuses, before anything runs, an operation whose worst case exceeds MAX_ROWS. It runs with the request's
 * variables, so `first: $n` counts as what was sent. The answer is a ROW_LIMIT_EXCEEDED error with status 400.
 *
 * A count is worked out once per document, operation and values of the variables it depends on: Apollo
 * keeps one parsed document per query text (its document store), so a repeated search only looks the count
 * up. The counts live with the document and go when Apollo drops it; at most COUNTS_PER_DOCUMENT each.
 */
export function rowBudgetPlugin<T extends object>(maxRows = MAX_ROWS): ApolloServerPlugin<T> {
  const counted = new WeakMap<DocumentNode, { depends: string[]; rows: Map<string, number> }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let entry = counted.get(document);
          if (!entry) {
            entry = { depends: countingVariables(document), rows: new Map() };
            counted.set(document, entry);
          }
          const variables = request.variables ?? {};
          const key = JSON.stringify([
            request.operationName ?? null,
            ...entry.depends.map((v) => variables[v]),
          ]);
          let rows = entry.rows.get(key);
          if (rows === undefined) {
            try {
              rows = getComplexity({
                schema,
                query: document,
                ...(request.operationName ? { operationName: request.operationName } : {}),
                variables,
                estimators: [rowEstimator(pageSizes(document, variables))],
              });
            } catch {
              // Variables that do not fit their types: execution refuses them with BAD_USER_INPUT.
              return;
            }
            if (entry.rows.size >= COUNTS_PER_DOCUMENT) entry.rows.clear();
            entry.rows.set(key, rows);
          }
          if (rows > maxRows)
            throw new GraphQLError(
              `This query could return up to ${rows.toLocaleString('en-US')} rows; the most one request may ask for is ${maxRows.toLocaleString('en-US')}. Ask for fewer nested lists, or smaller pages.`,
              { extensions: { code: 'ROW_LIMIT_EXCEEDED', rows, maxRows, http: { status: 400 } } },
            );
        },
      };
    },
  };
}

/** Reference lists (routes, conditions, services, payers) and a location's choices among them. */
export const REFERENCE_CAP = 30;

/** Lists of a clinic's team, invitations, reports, referrals and their timelines. */
export const TEAM_CAP = 100;
export const QUEUE_CAP = 200;
