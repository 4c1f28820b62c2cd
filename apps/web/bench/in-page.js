// Runs inside the benchmarked page (added as an init script by bench/web.ts). Plain JavaScript on purpose:
// functions handed to the page from TypeScript pick up the transpiler's helpers, which the page lacks.

/** When the result list and the map's first clinic points appear, in ms after navigation. */
window.__marks = {};
new MutationObserver(() => {
  if (!window.__marks.list && document.querySelector('ol[aria-label="Clinics, nearest first"] > li')) {
    window.__marks.list = performance.now();
    window.__marks.listBytes = transferred();
  }
}).observe(document, { childList: true, subtree: true });

/** Bytes over the wire so far (compressed bodies and headers): the page and every resource it fetched. */
function transferred() {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return (nav ? nav.transferSize : 0) + resources.reduce((sum, r) => sum + (r.transferSize || 0), 0);
}

function markMap() {
  const map = window.__kapmapMap;
  if (map && !window.__marks.mapLoad) window.__marks.mapLoad = performance.now();
  try {
    if (map && map.queryRenderedFeatures({ layers: ['points', 'clusters'] }).length > 0) {
      window.__marks.map = performance.now();
      window.__marks.mapBytes = transferred();
      return;
    }
  } catch {
    // The clinic layers are not in the style yet.
  }
  requestAnimationFrame(markMap);
}
requestAnimationFrame(markMap);

/** The layers kapmap draws over the basemap: the clinics and where the search was made from. */
const CLINIC_LAYERS = ['clusters', 'cluster-count', 'points', 'points-active', 'origin'];

/**
 * Pans and zooms the search's map, recording every frame; the page asks the API for each view's clusters
 * as it settles, as it does for a person. `mode` 'floor' hides every layer but the background first: what this
 * renderer costs per frame for an empty map of the same size, the least any map can take here; 'basemap'
 * hides only the clinics, to tell what the basemap costs from what the clusters cost.
 */
window.__benchFrames = async (mode) => {
  const map = window.__kapmapMap;
  for (const l of map.getStyle().layers) {
    const hide =
      mode === 'floor' ? l.id !== 'background' : mode === 'basemap' && CLINIC_LAYERS.includes(l.id);
    if (hide) map.setLayoutProperty(l.id, 'visibility', 'none');
  }
  const asked = () =>
    performance.getEntriesByType('resource').filter((e) => e.name.includes('/graphql')).length;
  let fetched = -asked();
  const deltas = [];
  let last = performance.now();
  let running = true;
  const tick = (now) => {
    deltas.push(now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  // Within the search's 500 miles of (38.5, -96.5): Kansas City, Omaha, Oklahoma City, Wichita, Tulsa.
  const steps = [
    { center: [-94.6, 39.1], zoom: 7 },
    { center: [-95.9, 41.3], zoom: 6 },
    { center: [-97.5, 35.5], zoom: 8 },
    { center: [-97.3, 37.7], zoom: 9 },
    { center: [-96.5, 38.5], zoom: 5 },
    { center: [-95.9, 36.2], zoom: 7 },
    { center: [-94.6, 39.1], zoom: 10 },
    { center: [-96.5, 38.5], zoom: 6 },
  ];
  for (const s of steps) {
    map.easeTo({ ...s, duration: 1000 });
    await new Promise((r) => setTimeout(r, 1250));
  }
  running = false;
  fetched += asked();
  const drawn = map.queryRenderedFeatures({ layers: ['clusters', 'points'] }).length;
  return { deltas: deltas.slice(1), drawn, fetched };
};
