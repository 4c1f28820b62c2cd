export * from './accounts.js';
export * from './listings.js';
export * from './referrals.js';
