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

/**
 * Draws `coords` ([lng, lat] pairs) as the clinic source, then pans and zooms, recording every frame.
 * With `floor`, every layer but the background is hidden first: what this renderer costs per frame for
 * an empty map of the same size, the least any map can take here.
 */
window.__benchFrames = async (coords, floor) => {
  const map = window.__kapmapMap;
  if (floor) {
    for (const l of map.getStyle().layers) {
      if (l.id !== 'background') map.setLayoutProperty(l.id, 'visibility', 'none');
    }
  }
  map.jumpTo({ center: [-96.5, 38.5], zoom: 3.3 });
  const idle = () => new Promise((r) => map.once('idle', () => r()));
  const t0 = performance.now();
  map.getSource('clinics').setData({
    type: 'FeatureCollection',
    features: coords.map((c, i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: c },
      properties: { id: String(i) },
    })),
  });
  await idle();
  const clustered = performance.now() - t0;
  const drawn = map.queryRenderedFeatures({ layers: ['clusters'] }).length;
  const deltas = [];
  let last = performance.now();
  let running = true;
  const tick = (now) => {
    deltas.push(now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const steps = [
    { center: [-80, 36], zoom: 5 },
    { center: [-74, 40.7], zoom: 7 },
    { center: [-87.6, 41.9], zoom: 6 },
    { center: [-104.9, 39.7], zoom: 5 },
    { center: [-118.2, 34], zoom: 7 },
    { center: [-96.5, 38.5], zoom: 3.3 },
    { center: [-84.4, 33.7], zoom: 6 },
    { center: [-96.5, 38.5], zoom: 4 },
  ];
  for (const s of steps) {
    map.easeTo({ ...s, duration: 1000 });
    await new Promise((r) => setTimeout(r, 1050));
  }
  running = false;
  return { deltas: deltas.slice(1), clustered, drawn };
};
