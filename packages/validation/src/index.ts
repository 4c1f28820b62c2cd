export * from './accounts.js';
export * from './listings.js';
