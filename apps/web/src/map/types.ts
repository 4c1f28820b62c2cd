import type { LatLng } from '@kapmap/geo/distance';
import type { ViewBox } from './geometry.js';

/** A clinic location on the map: what the API's light `points` query returns. */
export interface MapPoint {
  id: string;
  lat: number;
  lng: number;
}

/** A cell of the API's map grid (`mapClusters`): one location (`id` set), or `count` of them at their center. */
export interface MapCluster {
  count: number;
  lat: number;
  lng: number;
  id: string | null;
  /** The box around the cell's locations: where a click on the cluster zooms to. */
  bounds: ViewBox;
}

/** What the map shows, as the API's mapClusters asks for it (see clusterRequest). */
export interface ClusterRequest {
  zoom: number;
  within: ViewBox | null;
}

export interface ClinicMapProps {
  points: MapPoint[];
  /**
   * Clusters made by the API for the view, drawn instead of `points`: the map clusters nothing itself and
   * tells `onViewChange` what it shows, to be asked for again.
   */
  clusters?: MapCluster[] | undefined;
  /** Called when the view settles after a search's fit or a person's move, with that search's fitKey. */
  onViewChange?: ((view: ClusterRequest, fitKey: string) => void) | undefined;
  selectedId?: string | null | undefined;
  hoveredId?: string | null | undefined;
  onSelect?: ((id: string) => void) | undefined;
  onHover?: ((id: string | null) => void) | undefined;
  /**
   * When this changes, the map frames `frame` (or its points) with `origin`. Null while the data to frame is
   * not yet that of the current search: the map waits rather than frame the previous one.
   */
  fitKey: string | null;
  /** What to frame: the results the list shows. Defaults to every point. */
  frame?: LatLng[] | undefined;
  /**
   * Keep the view the user chose (after "Search this area"): the map moves only as far as needed to show
   * `frame`, and not at all when it already does.
   */
  keepView?: boolean | undefined;
  origin?: LatLng | null | undefined;
  /** Offered after the user pans or zooms: search the visible area. */
  onSearchArea?: ((center: LatLng, radiusMiles: number) => void) | undefined;
  /** What a screen reader hears for the map. */
  label: string;
  /** Group nearby points into counted clusters. */
  cluster?: boolean | undefined;
  /**
   * A pin to place: drawn as a draggable marker, and moved where it is dropped or where the map is clicked.
   * The location editor sets it; the points are then empty.
   */
  pin?: { lat: number; lng: number; onMove: (point: LatLng) => void } | null | undefined;
}
