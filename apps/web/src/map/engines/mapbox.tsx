import 'mapbox-gl/dist/mapbox-gl.css';
import '@mapbox/mapbox-gl-geocoder/dist/mapbox-gl-geocoder.css';
import MapboxGeocoder from '@mapbox/mapbox-gl-geocoder';
import mapboxgl from 'mapbox-gl';
import { useMemo } from 'react';
import { Layer, Map as MapGL, Marker, NavigationControl, Source, useControl } from 'react-map-gl/mapbox';
import { ClinicMapCore, type MapLib } from '../ClinicMapCore.js';
import { type EngineProps, MAPBOX_STYLE } from '../engine.js';

// react-map-gl gives both engines the same components; only their types name different map classes.
const lib = { Map: MapGL, Source, Layer, NavigationControl, Marker } as unknown as MapLib;

/** Mapbox's own geocoder on the map: it answers addresses and places the offline ZIP table cannot. */
function Geocoder({ token }: { token: string }) {
  useControl(
    () =>
      new MapboxGeocoder({
        accessToken: token,
        mapboxgl: mapboxgl as never,
        countries: 'us',
        types: 'postcode,place,locality,neighborhood,address',
        marker: false,
        placeholder: 'Search the map',
      }) as never,
    { position: 'top-left' },
  );
  return null;
}

/** With a Mapbox token: mapbox-gl, a Mapbox style, and Mapbox's geocoder on the map. */
export default function MapboxClinicMap(props: EngineProps) {
  const token = props.choice.engine === 'mapbox' ? props.choice.accessToken : '';
  const options = useMemo(
    () => ({
      textFont: ['DIN Pro Medium', 'Arial Unicode MS Bold'],
      extras: <Geocoder token={token} />,
      mapProps: { mapboxAccessToken: token } as never,
    }),
    [token],
  );
  return (
    <ClinicMapCore {...props} lib={lib} mapStyle={props.choice.style || MAPBOX_STYLE} options={options} />
  );
}
