import {
  type DirectiveNode,
  type DocumentNode,
  type ExecutableDefinitionNode,
  type FragmentDefinitionNode,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * One walk of a document's selections, shared by the checks that read its arguments once per document: the
 * row budget (page sizes and directives), the storable-strings check (literals and the argument each variable
 * feeds) and the plan cache (the variables a field's plan binds).
 */

/** An argument as written in a document: its name, its value, and whether a field or a directive takes it. */
export interface WrittenArgument {
  name: string;
  value: ValueNode;
  on: 'field' | 'directive';
}

/** The fragments a document defines, by name, as graphql-js's resolve info holds them. */
export type Fragments = Readonly<Record<string, FragmentDefinitionNode | undefined>>;

export function fragmentsOf(document: DocumentNode): Fragments {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return fragments;
}

function* directiveArguments(node: {
  readonly directives?: readonly DirectiveNode[];
}): Generator<WrittenArgument> {
  for (const directive of node.directives ?? [])
    for (const arg of directive.arguments ?? [])
      yield { name: arg.name.value, value: arg.value, on: 'directive' };
}

/**
 * Every argument beneath a selection set, of fields and directives alike, nested selections followed and
 * each fragment spread into its definition once. With no fragments given, spreads are not followed (a walk
 * of every definition in turn reads each fragment by itself).
 */
export function* argumentsBeneath(
  set: SelectionSetNode | undefined,
  fragments: Fragments = {},
  followed: Set<string> = new Set(),
): Generator<WrittenArgument> {
  for (const selection of set?.selections ?? []) {
    yield* directiveArguments(selection);
    if (selection.kind === Kind.FIELD) {
      for (const arg of selection.arguments ?? [])
        yield { name: arg.name.value, value: arg.value, on: 'field' };
      yield* argumentsBeneath(selection.selectionSet, fragments, followed);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      yield* argumentsBeneath(selection.selectionSet, fragments, followed);
    } else {
      const fragment = fragments[selection.name.value];
      if (!fragment || followed.has(selection.name.value)) continue;
      followed.add(selection.name.value);
      yield* directiveArguments(fragment);
      yield* argumentsBeneath(fragment.selectionSet, fragments, followed);
    }
  }
}

/** Every argument an operation or a fragment definition writes, its own directives' included. */
export function* argumentsOf(definition: ExecutableDefinitionNode, fragments: Fragments = {}) {
  yield* directiveArguments(definition);
  yield* argumentsBeneath(definition.selectionSet, fragments);
}

/** The variables a value reads, inside lists and input objects too. */
export function* variablesIn(value: ValueNode): Generator<string> {
  if (value.kind === Kind.VARIABLE) yield value.name.value;
  else if (value.kind === Kind.LIST) for (const v of value.values) yield* variablesIn(v);
  else if (value.kind === Kind.OBJECT) for (const f of value.fields) yield* variablesIn(f.value);
}

/** The executable definitions of a document (operations and fragments), each walked by itself. */
export function executableDefinitions(document: DocumentNode): ExecutableDefinitionNode[] {
  return document.definitions.filter(
    (d): d is ExecutableDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION,
  );
}
