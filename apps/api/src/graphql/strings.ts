import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  valueFromASTUntyped,
} from 'graphql';
import { badUserInput } from './errors.js';
import { argumentsOf, executableDefinitions, fragmentsOf } from './selections.js';

/** A NUL byte (PostgreSQL cannot store one in text) or half of a surrogate pair (not a character at all). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the NUL byte is the point.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isStorable(value: string): boolean {
  return !UNSTORABLE.test(value);
}

function refusal(argumentName: string, path: string): GraphQLError {
  const field =
    path
      .split('.')
      .filter((p) => !/^\d+$/.test(p))
      .at(-1) ?? argumentName;
  const error = badUserInput(
    `${field} holds a character kapmap cannot store (a NUL byte or a broken Unicode character). Remove it and try again.`,
    argumentName,
    path,
  );
  error.extensions.http = { status: 400 };
  return error;
}

/** The path of the first unstorable string inside a JSON value, or null. */
function findInValue(value: unknown, path: string, seen = 0): string | null {
  if (typeof value === 'string') return isStorable(value) ? null : path;
  if (seen > 64 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const hit = findInValue(item, `${path}.${i}`, seen + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const hit = findInValue(item, `${path}.${key}`, seen + 1);
    if (hit) return hit;
  }
  return null;
}

/** A refusal's argument and path, kept rather than the error, so every request gets an error of its own. */
type Hit = { argument: string; path: string };

/**
 * What a document says once for all its requests: which argument each variable feeds, and each operation's
 * first unstorable literal. Apollo keeps parsed documents, so a repeated query is the same object and is not
 * walked again (issue 14); weak, so a document forgotten there goes here too.
 */
const documentFacts = new WeakMap<
  DocumentNode,
  { argumentOf: Map<string, string>; literals: WeakMap<OperationDefinitionNode, Hit | null> }
>();

function factsOf(document: DocumentNode) {
  let facts = documentFacts.get(document);
  if (!facts) {
    // A variable is named after the argument it feeds, so the message names what the client filled in.
    const argumentOf = new Map<string, string>();
    for (const definition of executableDefinitions(document))
      for (const arg of argumentsOf(definition))
        if (arg.value.kind === Kind.VARIABLE && !argumentOf.has(arg.value.name.value))
          argumentOf.set(arg.value.name.value, arg.name);
    facts = { argumentOf, literals: new WeakMap() };
    documentFacts.set(document, facts);
  }
  return facts;
}

function unstorableLiteral(document: DocumentNode, operation: OperationDefinitionNode): Hit | null {
  // The operation's arguments and those of the fragments it spreads.
  for (const arg of argumentsOf(operation, fragmentsOf(document))) {
    // The literal as a plain value (its variables left out: they are checked for each request).
    const hit = findInValue(valueFromASTUntyped(arg.value), arg.name);
    if (hit) return { argument: arg.name, path: hit };
  }
  return null;
}

function unstorableInput(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): GraphQLError | null {
  const { argumentOf, literals } = factsOf(document);
  for (const [name, value] of Object.entries(variables)) {
    const argument = argumentOf.get(name) ?? name;
    const hit = findInValue(value, argument);
    if (hit) return refusal(argument, hit);
  }
  let literal = literals.get(operation);
  if (literal === undefined) {
    literal = unstorableLiteral(document, operation);
    literals.set(operation, literal);
  }
  return literal ? refusal(literal.argument, literal.path) : null;
}

/**
 * Refuses, at the edge and for every field at once, any string input PostgreSQL could not store or that is
 * not text: a NUL byte or a lone surrogate, in a variable or written in the document. Without this each
 * reached the database and came back as a masked server error.
 */
export function storableStringsPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          const error = operation ? unstorableInput(document, operation, request.variables ?? {}) : null;
          if (error) throw error;
        },
      };
    },
  };
}
