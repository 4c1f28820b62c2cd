import { Client, cacheExchange, fetchExchange } from '@urql/core';

/**
 * The one GraphQL client. Every request is a POST: search terms may hold a place a person lives near, and
 * POST keeps them out of URLs and access logs. Apollo's CSRF prevention accepts JSON POSTs as they are.
 */
export function createClient(url = '/graphql', fetchFn?: typeof fetch): Client {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: false,
    requestPolicy: 'cache-first',
    // Tests hand in a server of their own; the app uses the browser's fetch.
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
}
