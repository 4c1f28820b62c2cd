export * from './accounts.js';
export * from './languages.js';
export * from './listings.js';
export * from './referrals.js';
