import type { LatLng } from '@kapmap/geo/distance';

/** A clinic location on the map: what the API's light `points` query returns. */
export interface MapPoint {
  id: string;
  lat: number;
  lng: number;
}

export interface ClinicMapProps {
  points: MapPoint[];
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
