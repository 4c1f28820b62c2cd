import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ViewerQuery } from '../src/account/viewer.js';
import { createClient } from '../src/graphql/client.js';
import { FilterOptionsQuery } from '../src/search/queries.js';

interface Sent {
  method: string;
  url: URL;
  body: { query?: string; extensions?: { persistedQuery?: { sha256Hash: string } } } | null;
  preflight: string | null;
}

/** A server that knows no persisted query until it has been sent one with its text, as Apollo's APQ does. */
function apqServer() {
  const sent: Sent[] = [];
  const known = new Set<string>();
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : null;
    const headers = new Headers(init?.headers);
    sent.push({ method, url, body, preflight: headers.get('apollo-require-preflight') });
    const query = body?.query ?? url.searchParams.get('query') ?? undefined;
    const extensions = body?.extensions ?? JSON.parse(url.searchParams.get('extensions') ?? 'null');
    const hash = extensions?.persistedQuery?.sha256Hash as string | undefined;
    if (hash && !query && !known.has(hash)) {
      return Response.json({
        errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
      });
    }
    if (hash && query) {
      expect(createHash('sha256').update(query).digest('hex')).toBe(hash);
      known.add(hash);
    }
    return Response.json({
      data: { conditions: [], routes: [], insurancePayers: [], languages: [], viewer: null },
    });
  };
  return { sent, client: createClient('http://kapmap.test/graphql', fetch as typeof globalThis.fetch) };
}

describe('the GraphQL client', () => {
  it('asks for public directory data by GET with the document’s hash, sending the text only once', async () => {
    const { sent, client } = apqServer();
    await client.query(FilterOptionsQuery, {}).toPromise();
    await client.query(FilterOptionsQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    // Unknown hash, then hash and text, then the hash alone: a URL a CDN can key on.
    expect(sent.map((s) => s.method)).toEqual(['GET', 'GET', 'GET']);
    expect(sent[0]?.url.searchParams.get('query')).toBeNull();
    expect(sent[1]?.url.searchParams.get('query')).toContain('query FilterOptions');
    expect(sent[2]?.url.searchParams.get('query')).toBeNull();
    expect(sent[2]?.url.searchParams.get('extensions')).toContain('sha256Hash');
    // Apollo's CSRF prevention takes a GET only with this header.
    for (const s of sent) expect(s.preflight).toBe('true');
  });

  it('keeps everything about a person in POST bodies', async () => {
    const { sent, client } = apqServer();
    await client.query(ViewerQuery, {}).toPromise();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.url.search).toBe('');
    expect(sent[0]?.body?.query).toContain('viewer');
    expect(sent[0]?.body?.extensions?.persistedQuery).toBeUndefined();
  });
});
