import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chooseEngine, MAPBOX_STYLE } from '../src/map/engine.js';

/**
 * Which engine draws the map, and how it is configured. The engines themselves need WebGL (and mapbox-gl a
 * real token and the internet), so react-map-gl's components are replaced here by stand-ins that record the
 * props they are given; the end-to-end tests draw the offline map for real in Chromium.
 */
const seen = vi.hoisted(() => ({
  maps: [] as { engine: string; props: Record<string, unknown> }[],
  geocoders: [] as Record<string, unknown>[],
  workerUrl: [] as string[],
}));

function stand(engine: string) {
  return {
    Map: (props: Record<string, unknown> & { children?: ReactNode }) => {
      seen.maps.push({ engine, props });
      return <div data-testid={`${engine}-map`}>{props.children}</div>;
    },
    Source: ({ children }: { children?: ReactNode }) => <>{children}</>,
    Layer: () => null,
    NavigationControl: () => null,
    Marker: () => null,
    useControl: (make: () => unknown) => {
      make();
      return null;
    },
  };
}

vi.mock('react-map-gl/maplibre', () => stand('maplibre'));
vi.mock('react-map-gl/mapbox', () => stand('mapbox'));
vi.mock('maplibre-gl', () => ({ setWorkerUrl: (url: string) => seen.workerUrl.push(url) }));
vi.mock('mapbox-gl', () => ({ default: { accessToken: '' } }));
vi.mock('@mapbox/mapbox-gl-geocoder', () => ({
  default: class {
    constructor(options: Record<string, unknown>) {
      seen.geocoders.push(options);
    }
  },
}));

const require = createRequire(import.meta.url);
const counties = readFileSync(require.resolve('us-atlas/counties-10m.json'), 'utf8');

beforeEach(() => {
  seen.maps.length = 0;
  seen.geocoders.length = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(counties, { headers: { 'content-type': 'application/json' } })),
  );
});

const props = { points: [{ id: 'a', lat: 35.85, lng: -78.63 }], fitKey: 'k', label: 'Map of clinics' };

describe('the map engine', () => {
  it('is maplibre-gl with the offline style when no Mapbox token is configured', () => {
    expect(chooseEngine(null)).toEqual({ engine: 'maplibre', style: 'offline', geocoder: false });
    expect(chooseEngine('  ')).toEqual({ engine: 'maplibre', style: 'offline', geocoder: false });
  });

  it('is mapbox-gl with a Mapbox style and geocoder when a token is configured', () => {
    expect(chooseEngine('pk.test-token')).toEqual({
      engine: 'mapbox',
      accessToken: 'pk.test-token',
      style: MAPBOX_STYLE,
      geocoder: true,
    });
    expect(MAPBOX_STYLE).toMatch(/^mapbox:\/\/styles\/mapbox\//);
  });

  it('draws with maplibre over bundled US shapes, offline, when no token is configured', async () => {
    const { MapView } = await import('../src/map/MapView.js');
    render(<MapView {...props} config={{ mapboxToken: null }} />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading map');
    await screen.findByTestId('maplibre-map');
    expect(screen.queryByTestId('mapbox-map')).not.toBeInTheDocument();
    const style = seen.maps.at(-1)?.props.mapStyle as {
      glyphs?: string;
      sources: Record<
        string,
        {
          type: string;
          data: { features: { geometry: { type: string }; properties: { kind: string; name?: string } }[] };
        }
      >;
      layers: { id: string; source?: string }[];
    };
    // Every source is inline GeoJSON: nothing to fetch from a tile server, and no glyphs URL. Two sources, so a
    // frame masks its tiles once for every shape and line rather than once per kind of them.
    expect(Object.keys(style.sources)).toEqual(['basemap', 'names']);
    expect(Object.values(style.sources).map((s) => s.type)).toEqual(['geojson', 'geojson']);
    // The land is the background; what is not the nation is drawn over it (fewer pixels in a view of the US).
    const kinds = (id: string) =>
      style.sources[id]?.data.features.map((f) => `${f.properties.kind} ${f.geometry.type}`);
    expect(new Set(kinds('basemap'))).toEqual(new Set(['water Polygon', 'state MultiLineString']));
    expect(new Set(kinds('names'))).toEqual(new Set(['state Point']));
    expect(style.sources.names?.data.features.map((f) => f.properties.name)).toContain('Florida');
    expect(style.layers.map((l) => l.id)).toEqual(['background', 'water', 'state-lines', 'place-names']);
    expect(style.glyphs).toBeUndefined();
    expect(String(vi.mocked(fetch).mock.calls[0]?.[0])).toMatch(/states-10m/);
    expect(seen.workerUrl.at(-1)).toMatch(/maplibre-gl-worker/);
    expect(seen.geocoders).toHaveLength(0);
    expect(screen.getByRole('region', { name: 'Map of clinics' })).toBeInTheDocument();
  });

  it('draws with mapbox-gl, its style, the token and the Mapbox geocoder when a token is configured', async () => {
    const { MapView } = await import('../src/map/MapView.js');
    render(<MapView {...props} config={{ mapboxToken: 'pk.test-token' }} />);
    await screen.findByTestId('mapbox-map');
    const map = seen.maps.at(-1);
    expect(map?.engine).toBe('mapbox');
    expect(map?.props.mapStyle).toBe(MAPBOX_STYLE);
    expect(map?.props.mapboxAccessToken).toBe('pk.test-token');
    await waitFor(() => expect(seen.geocoders.length).toBeGreaterThan(0));
    expect(seen.geocoders[0]).toMatchObject({ accessToken: 'pk.test-token', countries: 'us' });
    expect(seen.maps.some((m) => m.engine === 'maplibre')).toBe(false);
  });

  it('asks the server for the token at run time when the build has none', async () => {
    vi.resetModules();
    const fetchMock = vi.fn(async () => Response.json({ mapboxToken: 'pk.from-server' }));
    const { loadConfig } = await import('../src/config.js');
    await expect(loadConfig(fetchMock as typeof fetch)).resolves.toEqual({ mapboxToken: 'pk.from-server' });
    expect(fetchMock).toHaveBeenCalledWith('/config.json');
  });

  it('falls back to the offline map when the server cannot say', async () => {
    vi.resetModules();
    const { loadConfig } = await import('../src/config.js');
    const failing = vi.fn(async () => {
      throw new TypeError('offline');
    });
    await expect(loadConfig(failing as typeof fetch)).resolves.toEqual({ mapboxToken: null });
  });
});

describe('the offline basemap’s place names', () => {
  it('writes each name inside its area, even for a state shaped like Florida', async () => {
    const { labelPoints } = await import('../src/map/offline-style.js');
    // An L-shaped area: its bounding box's center (2, 2) lies outside it.
    const l = [
      [
        [0, 0],
        [4, 0],
        [4, 1],
        [1, 1],
        [1, 4],
        [0, 4],
        [0, 0],
      ],
    ];
    const islet = [
      [
        [10, 10],
        [10.1, 10],
        [10.1, 10.1],
        [10, 10],
      ],
    ];
    const out = labelPoints({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'MultiPolygon', coordinates: [islet, l] },
          properties: { name: 'Ell' },
        },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: l }, properties: {} },
      ],
    });
    expect(out.features).toHaveLength(1); // an area without a name gets no label
    const [x, y] = out.features[0]?.geometry.coordinates ?? [];
    expect(out.features[0]?.properties.name).toBe('Ell');
    // On the mainland, inside the L.
    expect((x ?? 9) <= 1 || (y ?? 9) <= 1).toBe(true);
    expect(x).toBeGreaterThanOrEqual(0);
    expect(y).toBeGreaterThanOrEqual(0);
  });
});

describe('county names on the offline basemap', () => {
  it('says County, Parish in Louisiana, and the name alone for Alaska and independent cities', async () => {
    const { countyName } = await import('../src/map/offline-style.js');
    expect(countyName('37183', 'Wake')).toBe('Wake County');
    expect(countyName('22071', 'Orleans')).toBe('Orleans Parish');
    expect(countyName('02020', 'Anchorage')).toBe('Anchorage');
    expect(countyName('51760', 'Richmond')).toBe('Richmond');
    expect(countyName('24510', 'Baltimore')).toBe('Baltimore');
    expect(countyName('24005', 'Baltimore')).toBe('Baltimore County');
    expect(countyName('6037', 'Los Angeles')).toBe('Los Angeles County');
  });
});

describe('the offline basemap’s water', () => {
  it('is the world with a hole for each piece of the nation, so the nation shows the land under it', async () => {
    const { waterAround } = await import('../src/map/offline-style.js');
    const square = (x: number, y: number) => [
      [x, y],
      [x + 1, y],
      [x + 1, y + 1],
      [x, y + 1],
      [x, y],
    ];
    const water = waterAround({
      type: 'Feature',
      properties: {},
      geometry: { type: 'MultiPolygon', coordinates: [[square(-100, 40)], [square(-150, 60)]] },
    });
    const [world, ...holes] = water.geometry.coordinates;
    expect(world?.[0]).toEqual([-180, -85]);
    expect(holes).toEqual([square(-100, 40), square(-150, 60)]);
  });
});
