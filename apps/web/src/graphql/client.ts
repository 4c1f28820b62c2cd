import { Client, cacheExchange, fetchExchange, type TypedDocumentNode } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';

/**
 * The public directory's operations: the same answer for every visitor, which the server keeps and lets a
 * browser or a CDN keep (Cache-Control: public). These go as GET with the document's SHA-256 instead of its
 * text (automatic persisted queries): a short URL a cache can key on. The first request of one a server has
 * not seen is answered PERSISTED_QUERY_NOT_FOUND, and the exchange sends it once more with its text.
 * Everything else — accounts, referrals, listings a clinic keeps, every mutation — is a POST that no one but
 * the server reads (and patient data is only ever sent in answer to a POST).
 */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set([
  'SearchList',
  'SearchCount',
  'SearchMap',
  'ClinicPage',
  'SearchPoints',
  'NearestBeyond',
  'PickedLocation',
  'FilterOptions',
  'PlaceSuggestions',
]);

function operationName(document: TypedDocumentNode<unknown, never>): string | undefined {
  for (const d of document.definitions) if (d.kind === 'OperationDefinition') return d.name?.value;
  return undefined;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The hash of a public operation's document as sent; none (so a POST) for every other. */
export async function persistedHash(
  query: string,
  document: TypedDocumentNode<unknown, never>,
): Promise<string | null> {
  const name = operationName(document);
  return name && PUBLIC_OPERATIONS.has(name) ? sha256(query) : null;
}

/** The one GraphQL client. */
export function createClient(url = '/graphql', fetchFn?: typeof fetch): Client {
  return new Client({
    url,
    exchanges: [
      cacheExchange,
      persistedExchange({ preferGetForPersistedQueries: 'within-url-limit', generateHash: persistedHash }),
      fetchExchange,
    ],
    preferGetMethod: false,
    requestPolicy: 'cache-first',
    // Apollo's CSRF prevention lets a GET through only with a header a cross-site form cannot send.
    fetchOptions: { headers: { 'apollo-require-preflight': 'true' } },
    // Tests hand in a server of their own; the app uses the browser's fetch.
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
}
