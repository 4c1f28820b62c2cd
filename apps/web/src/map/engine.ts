import type { ComponentType } from 'react';
import type { ClinicMapProps } from './types.js';

/** The Mapbox style used when a token is configured. */
export const MAPBOX_STYLE = 'mapbox://styles/mapbox/light-v11';

/**
 * Which engine draws the map. mapbox-gl draws nothing without a valid token (it fires an error event and
 * shows a blank canvas), so without one — the default, and every test here — the map is maplibre-gl over an
 * offline basemap built from bundled US state and county shapes.
 */
export type EngineChoice =
  | { engine: 'mapbox'; accessToken: string; style: string; geocoder: true }
  | { engine: 'maplibre'; style: 'offline'; geocoder: false };

export function chooseEngine(token: string | null | undefined): EngineChoice {
  const t = token?.trim();
  if (t) return { engine: 'mapbox', accessToken: t, style: MAPBOX_STYLE, geocoder: true };
  return { engine: 'maplibre', style: 'offline', geocoder: false };
}

export type EngineProps = ClinicMapProps & { choice: EngineChoice };

type EngineModule = { default: ComponentType<EngineProps> };
const loading = new Map<EngineChoice['engine'], Promise<EngineModule>>();

/**
 * Each engine is its own lazily loaded chunk: neither is in the initial JavaScript. A chunk is fetched once,
 * however many maps ask for it; main.tsx asks at start-up, so it loads while the first search runs.
 */
export function loadEngine(choice: EngineChoice): Promise<EngineModule> {
  let p = loading.get(choice.engine);
  if (!p) {
    p = choice.engine === 'mapbox' ? import('./engines/mapbox.js') : import('./engines/maplibre.js');
    loading.set(choice.engine, p);
    p.catch(() => loading.delete(choice.engine));
  }
  return p;
}
