import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ViewerQuery } from '../src/account/viewer.js';
import { createClient, PUBLIC_OPERATIONS } from '../src/graphql/client.js';
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

describe('which operations go as a GET a CDN can keep', () => {
  /** The queries written in the files under src/<dir>: each one's name and whether it asks who is signed in. */
  function queriesIn(dir: string): { name: string; personal: boolean }[] {
    const root = join(import.meta.dirname, '../src', dir);
    return readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|tsx)$/.test(f))
      .flatMap((f) =>
        [...readFileSync(join(root, f), 'utf8').matchAll(/\bquery ([A-Z]\w*)([^`]*)`/g)].map((m) => ({
          name: m[1] ?? '',
          personal: /\bviewer/i.test(m[2] ?? ''),
        })),
      );
  }

  it('sends every public query of the public pages (search, its count and map, a clinic’s page) by GET', () => {
    const publicPages = [...queriesIn('search'), ...queriesIn('map'), ...queriesIn('clinic')];
    const names = publicPages.filter((q) => !q.personal).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['SearchList', 'SearchCount', 'SearchMap', 'ClinicPage']));
    expect(names.filter((name) => !PUBLIC_OPERATIONS.has(name))).toEqual([]);
    // What a page asks about the person signed in (a clinic's standing for its staff) stays a POST.
    const personal = publicPages.filter((q) => q.personal).map((q) => q.name);
    expect(personal).toContain('ClinicStanding');
    expect(personal.filter((name) => PUBLIC_OPERATIONS.has(name))).toEqual([]);
  });

  it('never sends what a signed-in person reads (referrals, a clinic’s portal, accounts, admin) by GET', () => {
    const privatePages = ['referrals', 'portal', 'account', 'admin'].flatMap(queriesIn).map((q) => q.name);
    expect(privatePages.length).toBeGreaterThan(5);
    expect(privatePages.filter((name) => PUBLIC_OPERATIONS.has(name))).toEqual([]);
  });
});
