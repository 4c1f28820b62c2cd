export * from './distance.js';
export * from './geocode.js';
export * from './mapbox.js';
export * from './states.js';
