export * from './distance.js';
export * from './gazetteer.js';
export * from './geocode.js';
export * from './mapbox.js';
export * from './states.js';
