export * from './distance.js';
export * from './geocode.js';
export * from './states.js';
