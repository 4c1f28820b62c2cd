import { type ComponentType, useEffect, useState } from 'react';
import { loadConfig, type RuntimeConfig } from '../config.js';
import { chooseEngine, type EngineChoice, type EngineProps, loadEngine } from './engine.js';
import { MapPlaceholder } from './MapPlaceholder.js';
import type { ClinicMapProps } from './types.js';

/**
 * The map as the pages use it: picks the engine from the configuration, loads it lazily (its own chunk, never
 * in the initial JavaScript), and says so while it loads or if it cannot.
 */
export function MapView(
  props: ClinicMapProps & {
    config?: RuntimeConfig | undefined;
    /** Not yet: the page's own content (the first results) comes first; the engine loads once this is false. */
    defer?: boolean | undefined;
  },
) {
  const [engine, setEngine] = useState<{
    choice: EngineChoice;
    Component: ComponentType<EngineProps>;
  } | null>(null);
  const [failed, setFailed] = useState(false);
  const { config, defer } = props;

  useEffect(() => {
    if (defer) return;
    let live = true;
    (config ? Promise.resolve(config) : loadConfig())
      .then(async (cfg) => {
        const choice = chooseEngine(cfg.mapboxToken);
        const mod = await loadEngine(choice);
        if (live) setEngine({ choice, Component: mod.default });
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [config, defer]);

  if (failed || !engine) return <MapPlaceholder failed={failed ? 'The map could not load.' : undefined} />;
  return <engine.Component {...props} choice={engine.choice} />;
}
