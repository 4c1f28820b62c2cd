import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * How long an answer may be kept, and by whom: Apollo's cache-control conventions, decided from the schema
 * alone. A type or field says it with `...cacheHint({ maxAge })`. As in Apollo:
 *   - a root field, or a field returning an object, may be kept only as long as its own hint or its type's
 *     says; with neither, not at all (maxAge 0). So anything not marked public — referrals, accounts, a
 *     clinic's team — makes the whole answer uncacheable, whatever else it asks for;
 *   - a scalar field takes its parent's, unless it has a hint of its own;
 *   - an answer's policy is the shortest maxAge of every field in it, PRIVATE if any is;
 *   - a field with authScopes of its own is PRIVATE: who asks decides its answer.
 * Apollo's cache-control plugin finds this at run time, once per field of every row; here it is found once
 * per document and operation (the selection decides it, not the data), so an uncached request pays nothing.
 * Fields under @skip or @include count as selected: the policy may be stricter than needed, never looser.
 */
export interface CacheHint {
  maxAge?: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

export interface CachePolicy {
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

/** For a Pothos type's or field's options: `builder.objectRef(...).implement({ ...cacheHint({ maxAge: 60 }) })`. */
export function cacheHint(hint: CacheHint): { extensions: { cacheControl: CacheHint } } {
  return { extensions: { cacheControl: hint } };
}

const NOT_CACHEABLE: CachePolicy = { maxAge: 0, scope: 'PUBLIC' };

function hintOf(thing: { extensions?: unknown }): CacheHint | undefined {
  return (thing.extensions as { cacheControl?: CacheHint } | null | undefined)?.cacheControl;
}

/**
 * A field's own hint. A field with authScopes of its own answers by who asks (a license number for the
 * clinic's staff, null for the public): it is viewer-dependent by construction, whatever it was marked.
 */
function fieldHint(field: GraphQLField<unknown, unknown>): CacheHint | undefined {
  const extensions = field.extensions as { pothosOptions?: { authScopes?: unknown } } | null | undefined;
  if (extensions?.pothosOptions?.authScopes !== undefined) return { maxAge: 0, scope: 'PRIVATE' };
  return hintOf(field);
}

/** A type's hint; for an interface or union, the strictest of its own and every type that may stand for it. */
function typeHint(schema: GraphQLSchema, type: GraphQLNamedType): CacheHint {
  if (!isAbstractType(type)) return hintOf(type) ?? { maxAge: 0 };
  const hints = [hintOf(type), ...schema.getPossibleTypes(type).map((t) => hintOf(t) ?? { maxAge: 0 })];
  return hints.reduce<CacheHint>((a, b) => (b ? stricter(a, b) : a), {});
}

function stricter(a: CacheHint, b: CacheHint): CacheHint {
  const maxAge =
    a.maxAge === undefined ? b.maxAge : b.maxAge === undefined ? a.maxAge : Math.min(a.maxAge, b.maxAge);
  const scope = a.scope === 'PRIVATE' || b.scope === 'PRIVATE' ? 'PRIVATE' : (a.scope ?? b.scope);
  return { ...(maxAge === undefined ? {} : { maxAge }), ...(scope ? { scope } : {}) };
}

export function policyFor(schema: GraphQLSchema, operation: OperationDefinitionNode, document: DocumentNode) {
  if (operation.operation !== 'query') return NOT_CACHEABLE;
  const root = schema.getQueryType();
  if (!root) return NOT_CACHEABLE;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  let policy: CacheHint = {};
  const visit = (set: SelectionSetNode, parent: GraphQLCompositeType, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT || s.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments.get(s.name.value);
        if (!fragment || (s.kind === Kind.FRAGMENT_SPREAD && seen.has(s.name.value))) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        const next = s.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, s.name.value]) : seen;
        if (condition && isCompositeType(condition)) visit(fragment.selectionSet, condition, next);
        continue;
      }
      if (s.name.value.startsWith('__')) continue;
      const field: GraphQLField<unknown, unknown> | undefined =
        isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[s.name.value] : undefined;
      // Validation has run: a field the schema lacks cannot be here; be strict if it is.
      if (!field) {
        policy = stricter(policy, { maxAge: 0 });
        continue;
      }
      const type = getNamedType(field.type);
      const own = fieldHint(field);
      if (isCompositeType(type)) {
        policy = stricter(policy, own ?? typeHint(schema, type));
        if (s.selectionSet) visit(s.selectionSet, type, seen);
      } else if (own) {
        policy = stricter(policy, own);
      } else if (parent === root) {
        // A root field without a hint is not cached (Apollo's default maxAge of 0).
        policy = stricter(policy, { maxAge: 0 });
      }
    }
  };
  visit(operation.selectionSet, root, new Set());
  return { maxAge: policy.maxAge ?? 0, scope: policy.scope ?? 'PUBLIC' } satisfies CachePolicy;
}

/**
 * The policy of each operation of a document, worked out once: Apollo hands every request of a document it
 * has seen the same parsed DocumentNode, so this map holds one entry per distinct document Apollo keeps.
 */
export function cachePolicies(schema: GraphQLSchema) {
  const known = new WeakMap<DocumentNode, Map<OperationDefinitionNode, CachePolicy>>();
  return (document: DocumentNode, operation: OperationDefinitionNode): CachePolicy => {
    let byOperation = known.get(document);
    if (!byOperation) {
      byOperation = new Map();
      known.set(document, byOperation);
    }
    let policy = byOperation.get(operation);
    if (!policy) {
      policy = policyFor(schema, operation, document);
      byOperation.set(operation, policy);
    }
    return policy;
  };
}

/**
 * The public directory (clinics, locations, search): the same for every anonymous reader, kept a minute.
 * Shorter still in a process started with a lower PUBLIC_CACHE_SECONDS.
 */
export const DIRECTORY_CACHE = cacheHint({ maxAge: 60 });
/** Reference data and place names: change with a release, kept an hour (PUBLIC_CACHE_SECONDS caps it). */
export const REFERENCE_CACHE = cacheHint({ maxAge: 3600 });
/** A field whose answer depends on who asks: never kept, whatever its parent says. */
export const VIEWER_DEPENDENT = cacheHint({ maxAge: 0, scope: 'PRIVATE' });
