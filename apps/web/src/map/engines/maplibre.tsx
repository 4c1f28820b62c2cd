import 'maplibre-gl/dist/maplibre-gl.css';
import { setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { Layer, Map as MapGL, Marker, NavigationControl, Source } from 'react-map-gl/maplibre';
import { ClinicMapCore, type CoreOptions, type MapLib } from '../ClinicMapCore.js';
import type { EngineProps } from '../engine.js';
import { addCounties, addTowns, offlineStyle } from '../offline-style.js';

// Bundled, maplibre cannot find its worker by itself (STACK.md).
setWorkerUrl(workerUrl);

const lib: MapLib = { Map: MapGL, Source, Layer, NavigationControl, Marker };
performance.mark('kapmap:engine-loaded');
// The basemap starts loading with this chunk, not when the map mounts.
const style = offlineStyle().then((s) => {
  performance.mark('kapmap:basemap-ready');
  return s;
});
const buildStyle = () => style;
const options: CoreOptions = {
  /** No glyphs offline: maplibre draws the cluster counts with the browser's own fonts. */
  textFont: null,
  onLoad: (map) => {
    addCounties(map).catch((error: unknown) => console.warn('map: county lines did not load', error));
    addTowns(map).catch((error: unknown) => console.warn('map: town names did not load', error));
  },
};

/** The default engine: maplibre-gl over the offline basemap. */
export default function MaplibreClinicMap(props: EngineProps) {
  return <ClinicMapCore {...props} lib={lib} mapStyle={buildStyle} options={options} />;
}
