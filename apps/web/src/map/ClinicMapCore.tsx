import type { Feature, FeatureCollection, Point } from 'geojson';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Lib from 'react-map-gl/maplibre';
import type { EngineProps } from './engine.js';
import {
  abbreviateCount,
  type Box,
  boundsOf,
  circleAround,
  clusterRequest,
  contains,
  union,
} from './geometry.js';
import { MapPlaceholder } from './MapPlaceholder.js';
import type { MapCluster, MapPoint } from './types.js';

/**
 * The map, written once over react-map-gl's components. Each engine module (maplibre, mapbox) passes its own
 * components in: react-map-gl gives both engines the same API.
 */
export interface MapLib {
  Map: typeof Lib.Map;
  Source: typeof Lib.Source;
  Layer: typeof Lib.Layer;
  NavigationControl: typeof Lib.NavigationControl;
  Marker: typeof Lib.Marker;
}

type StyleValue = Lib.MapProps['mapStyle'];

export interface CoreOptions {
  /** Fonts for the cluster counts; null lets maplibre draw them with the browser's own fonts. */
  textFont: string[] | null;
  /** Extra controls (the Mapbox geocoder). */
  extras?: ReactNode;
  mapProps?: Partial<Lib.MapProps> | undefined;
  /** Called once the map is up: the offline engine adds the county lines then. */
  onLoad?: ((map: Lib.MapRef['getMap'] extends () => infer M ? M : never) => void) | undefined;
}

const SOURCE = 'clinics';
const MAX_SEARCH_MILES = 500;
/** The lower 48 states, fitted to the map before any search. */
const US = {
  bounds: [
    [-124.8, 24.4],
    [-66.9, 49.4],
  ] as [[number, number], [number, number]],
  fitBoundsOptions: { padding: 16 },
};

declare global {
  interface Window {
    /** The live map, for end-to-end tests and the benchmark to read rendered features from. */
    __kapmapMap?: unknown;
  }
}

function toGeoJSON(points: MapPoint[]): FeatureCollection<Point, { id: string }> {
  return {
    type: 'FeatureCollection',
    features: points.map((p) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
      properties: { id: p.id },
    })),
  };
}

/** The API's cells as features: a location as a point (with its id), a cluster with maplibre's own property names. */
function cellsToGeoJSON(cells: MapCluster[]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: cells.map((c) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [c.lng, c.lat] },
      properties:
        c.count === 1 && c.id
          ? { id: c.id }
          : {
              point_count: c.count,
              point_count_abbreviated: abbreviateCount(c.count),
              ...c.bounds,
            },
    })),
  };
}

/** A view is reported once it has stayed put this long: a fling or a run of key presses asks once. */
const VIEW_SETTLE_MS = 150;

export interface CoreProps extends EngineProps {
  lib: MapLib;
  /** A style, or how to build one (the offline basemap is built from bundled shapes). */
  mapStyle: StyleValue | (() => Promise<StyleValue>);
  options: CoreOptions;
}

export function ClinicMapCore(props: CoreProps) {
  const { lib, mapStyle, options: opts } = props;
  const { Map: MapGL, Source, Layer, NavigationControl, Marker } = lib;
  const text = opts.textFont ? { 'text-font': opts.textFont } : {};
  const { points, selectedId, hoveredId, onSelect, onHover, fitKey, frame, keepView, origin } = props;
  const { onSearchArea, label, pin, clusters, onViewChange } = props;
  const ref = useRef<Lib.MapRef>(null);
  const [style, setStyle] = useState<StyleValue | null>(typeof mapStyle === 'function' ? null : mapStyle);
  const [failed, setFailed] = useState<string | null>(null);
  const [moved, setMoved] = useState(false);
  const [loaded, setLoaded] = useState(false);
  /** Which search the view was last fitted to: tests and the benchmark wait for it. */
  const [fittedKey, setFittedKey] = useState<string | null>(null);
  const data = useMemo(() => (clusters ? cellsToGeoJSON(clusters) : toGeoJSON(points)), [clusters, points]);
  // Where the search was made from, drawn under the clinics.
  const originLat = origin?.lat;
  const originLng = origin?.lng;
  const originData = useMemo(
    () =>
      originLat !== undefined && originLng !== undefined
        ? ({
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [originLng, originLat] },
            properties: {},
          } satisfies Feature<Point>)
        : null,
    [originLat, originLng],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: an engine's style is fixed for its lifetime
  useEffect(() => {
    if (typeof mapStyle !== 'function') return;
    let live = true;
    mapStyle().then(
      (s) => live && setStyle(s),
      () => live && setFailed('The map’s background could not load.'),
    );
    return () => {
      live = false;
    };
  }, []);

  // A new search: frame its results with its origin, and forget any panning since the last one. With
  // keepView the user's own view stays, widened only if a result would fall outside it.
  const target = frame ?? points;
  // biome-ignore lint/correctness/useExhaustiveDependencies: refits only when the search changes (fitKey)
  useEffect(() => {
    const map = ref.current;
    if (!map || !loaded || fitKey === null) return;
    // The container may have just been shown (a phone's Map tab): measure it before framing.
    map.resize();
    setMoved(false);
    const box = boundsOf(origin && !pin ? [...target, origin] : target);
    if (keepView) {
      const b = map.getBounds();
      const view: Box = [
        [b.getWest(), b.getSouth()],
        [b.getEast(), b.getNorth()],
      ];
      if (box && !contains(view, box)) map.fitBounds(union(view, box), { padding: 24, duration: 0 });
    } else if (box && target.length > 0 && (box[0][0] !== box[1][0] || box[0][1] !== box[1][1])) {
      map.fitBounds(box, { padding: 48, maxZoom: 12, duration: 0 });
    } else if (target.length > 0 && box) {
      map.jumpTo({ center: box[0], zoom: 12 });
    } else if (pin) {
      map.jumpTo({ center: [pin.lng, pin.lat], zoom: 11 });
    } else if (origin) {
      map.jumpTo({ center: [origin.lng, origin.lat], zoom: 9 });
    }
    setFittedKey(fitKey);
  }, [fitKey, loaded, target.length > 0]);

  // What the map shows, told to the page once it settles, for the search it was fitted to (never the view of
  // the search before: while a new search loads, fitKey is null and nothing is told).
  const fitted = useRef<{ key: string | null; onViewChange: typeof onViewChange }>({
    key: null,
    onViewChange,
  });
  fitted.current = { key: fitKey !== null && fittedKey === fitKey ? fitKey : null, onViewChange };
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const reportView = useCallback(() => {
    clearTimeout(settle.current);
    settle.current = setTimeout(() => {
      const map = ref.current;
      const { key, onViewChange: tell } = fitted.current;
      if (!map || key === null || !tell) return;
      const b = map.getBounds();
      tell(
        clusterRequest(
          { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() },
          map.getZoom(),
        ),
        key,
      );
    }, VIEW_SETTLE_MS);
  }, []);
  useEffect(() => () => clearTimeout(settle.current), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: told again whenever a search is newly fitted
  useEffect(() => {
    if (fittedKey !== null && fittedKey === fitKey) reportView();
  }, [fittedKey, fitKey]);

  const active = [selectedId, hoveredId].filter((x): x is string => Boolean(x));

  const onClick = useCallback(
    (e: Lib.MapLayerMouseEvent) => {
      if (pin) {
        pin.onMove({ lat: e.lngLat.lat, lng: e.lngLat.lng });
        return;
      }
      const f = e.features?.[0];
      const map = ref.current;
      if (!f || !map) return;
      const p = f.properties ?? {};
      if (p.cluster_id === undefined && typeof p.point_count === 'number') {
        // The API's cluster: zoom to the box around its locations (to the street when they share a spot).
        map.fitBounds(
          [
            [p.west, p.south],
            [p.east, p.north],
          ],
          { padding: 64, maxZoom: 16 },
          { originalEvent: e.originalEvent },
        );
      } else if (p.cluster_id !== undefined) {
        const source = map.getSource(SOURCE) as unknown as {
          getClusterExpansionZoom(id: number, cb?: (err: unknown, zoom: number) => void): unknown;
        };
        const center = (f.geometry as Point).coordinates as [number, number];
        const zoomTo = (zoom: number) =>
          map.easeTo({ center, zoom: Math.min(zoom, 16) }, { originalEvent: e.originalEvent });
        // maplibre answers with a promise, mapbox-gl through the callback.
        const ret = source.getClusterExpansionZoom(f.properties.cluster_id, (err, zoom) => {
          if (!err) zoomTo(zoom);
        });
        if (ret && typeof (ret as Promise<number>).then === 'function')
          (ret as Promise<number>).then(zoomTo, () => {});
      } else if (typeof f.properties?.id === 'string') {
        onSelect?.(f.properties.id);
      }
    },
    [onSelect, pin],
  );

  const onMouseMove = useCallback(
    (e: Lib.MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.id;
      onHover?.(typeof id === 'string' ? id : null);
    },
    [onHover],
  );

  function searchArea() {
    const map = ref.current;
    if (!map || !onSearchArea) return;
    const b = map.getBounds();
    const { center, radiusMiles } = circleAround(
      { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() },
      MAX_SEARCH_MILES,
    );
    onSearchArea(center, radiusMiles);
  }

  if (failed || !style) return <MapPlaceholder failed={failed ?? undefined} />;
  return (
    <section
      className="map"
      aria-label={label}
      data-fitted={fitKey !== null && fittedKey === fitKey ? 'true' : 'false'}
    >
      <MapGL
        ref={ref}
        initialViewState={US}
        mapStyle={style}
        style={{ width: '100%', height: '100%' }}
        interactiveLayerIds={['clusters', 'points']}
        cursor={hoveredId ? 'pointer' : undefined}
        onClick={onClick}
        onMouseMove={onMouseMove}
        onMouseLeave={() => onHover?.(null)}
        onLoad={(e) => {
          window.__kapmapMap = e.target;
          setLoaded(true);
          opts.onLoad?.(e.target);
        }}
        onMoveEnd={(e) => {
          // Only a person's drag, wheel, key or button moves carry the input event: a fit, a resize or a
          // filter panel opening does not offer "Search this area".
          if (e.originalEvent) setMoved(true);
          reportView();
        }}
        onError={(e) => {
          // Tiles or fonts that fail one by one are not fatal; a map that cannot start is.
          if (!ref.current?.getMap().loaded() && !loaded)
            setFailed('The map could not start in this browser.');
          console.warn('map:', e.error?.message);
        }}
        dragRotate={false}
        // Labels swap at once when clusters change: no half-faded counts left behind.
        fadeDuration={0}
        {...opts.mapProps}
      >
        <NavigationControl showCompass={false} position="top-right" />
        {opts.extras}
        {pin && (
          <Marker
            longitude={pin.lng}
            latitude={pin.lat}
            anchor="bottom"
            draggable
            color="#c2410c"
            onDragEnd={(e) => pin.onMove({ lat: e.lngLat.lat, lng: e.lngLat.lng })}
          />
        )}
        {originData && (
          <Source id="origin" type="geojson" data={originData}>
            <Layer
              id="origin"
              type="circle"
              paint={{
                'circle-radius': 7,
                'circle-color': '#1f4e5f',
                'circle-stroke-width': 3,
                'circle-stroke-color': '#ffffff',
              }}
            />
          </Source>
        )}
        <Source
          id={SOURCE}
          type="geojson"
          data={data}
          cluster={clusters ? false : (props.cluster ?? true)}
          clusterRadius={48}
          clusterMaxZoom={13}
        >
          <Layer
            id="clusters"
            type="circle"
            filter={['has', 'point_count']}
            paint={{
              'circle-color': ['step', ['get', 'point_count'], '#3b8ea5', 25, '#2a6f85', 250, '#1f4e5f'],
              'circle-radius': ['step', ['get', 'point_count'], 16, 25, 21, 250, 27, 2500, 33],
              'circle-stroke-width': 2,
              'circle-stroke-color': '#ffffff',
            }}
          />
          <Layer
            id="cluster-count"
            type="symbol"
            filter={['has', 'point_count']}
            layout={{
              'text-field': ['get', 'point_count_abbreviated'],
              'text-size': 13,
              // A cluster's count is drawn with its circle always: no other label may hide it.
              'text-allow-overlap': true,
              'text-ignore-placement': true,
              ...text,
            }}
            paint={{ 'text-color': '#ffffff' }}
          />
          <Layer
            id="points"
            type="circle"
            filter={['!', ['has', 'point_count']]}
            paint={{
              'circle-color': '#c2410c',
              'circle-radius': 7,
              'circle-stroke-width': 2,
              'circle-stroke-color': '#ffffff',
            }}
          />
          <Layer
            id="points-active"
            type="circle"
            filter={['all', ['!', ['has', 'point_count']], ['in', ['get', 'id'], ['literal', active]]]}
            paint={{
              'circle-color': '#7c2d12',
              'circle-radius': 11,
              'circle-stroke-width': 3,
              'circle-stroke-color': '#fde68a',
            }}
          />
        </Source>
      </MapGL>
      {(origin || points.length > 0 || (clusters?.length ?? 0) > 0) && !pin && (
        <ul className="map-legend" aria-label="Map key">
          {origin && (
            <li>
              <span className="key key-origin" aria-hidden="true" /> Where you searched from
            </li>
          )}
          <li>
            <span className="key key-clinic" aria-hidden="true" /> Clinic location
          </li>
          <li>
            <span className="key key-cluster" aria-hidden="true" /> Several nearby (tap to zoom)
          </li>
        </ul>
      )}
      {moved && onSearchArea && (
        <button type="button" className="search-area" onClick={searchArea}>
          Search this area
        </button>
      )}
    </section>
  );
}
