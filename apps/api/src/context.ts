import type { Database } from '@kapmap/db/client';
import type { Geocoder } from '@kapmap/geo';

/** What every resolver gets for one request. Built per request by `server.ts`. */
export interface Context {
  db: Database;
  geocoder: Geocoder;
}
