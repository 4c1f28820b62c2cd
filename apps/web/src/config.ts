/**
 * Runtime configuration: what the server says at /config.json, unless the build fixed it. A Mapbox token
 * can come from either: VITE_MAPBOX_TOKEN at build time, or MAPBOX_PUBLIC_TOKEN on the server at run time.
 */
export interface RuntimeConfig {
  mapboxToken: string | null;
}

let cached: Promise<RuntimeConfig> | undefined;

export function loadConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  const built = import.meta.env.VITE_MAPBOX_TOKEN;
  if (typeof built === 'string' && built) return Promise.resolve({ mapboxToken: built });
  cached ??= fetchImpl('/config.json')
    .then((r) => (r.ok ? r.json() : {}))
    .then((j: { mapboxToken?: unknown }) => ({
      mapboxToken: typeof j.mapboxToken === 'string' && j.mapboxToken ? j.mapboxToken : null,
    }))
    .catch(() => ({ mapboxToken: null }));
  return cached;
}
