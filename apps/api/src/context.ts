import type { Database } from '@kapmap/db/client';
import type { Geocoder } from '@kapmap/geo';
import type { CacheNote } from './graphql/public-cache.js';
import type { FirstAdminSetup } from './modules/accounts/first-admin.js';
import type { Viewer } from './modules/accounts/sessions.js';
import type { AccessRecorder } from './modules/referrals/access-log.js';
import type { Sealer } from './modules/referrals/sealing.js';

/** Sets and clears the session cookie on the response being built. */
export interface SessionCookie {
  start(token: string, expiresAt: Date): void;
  end(): void;
}

/** What the request log line says besides route and status: filled in while the request runs. */
export interface RequestNotes {
  /** The GraphQL operation's name (checked and capped as the metrics' label is). */
  operation?: string;
  /** The public cache's view of the request (public-cache.ts): its key, and whether its answer may be kept. */
  cache?: CacheNote;
}

/** What every resolver gets for one request. Built per request by `server.ts`. */
export interface Context {
  db: Database;
  geocoder: Geocoder;
  /** The signed-in user, or null; signUp, signIn and resetPassword set it to the account they sign in. */
  viewer: Viewer | null;
  /** The client's address (behind a proxy only when TRUST_PROXY is set), for the sign-in rate limit. */
  ip: string;
  sessionCookie: SessionCookie;
  /** Where the web app is reached, for links in emails: `http://localhost:4000`. */
  publicUrl: string;
  /** Seals and opens patient data in referrals. */
  sealer: Sealer;
  /** Writes who read which protected fields of which referral: every read of patient data goes through it. */
  accessLog: AccessRecorder;
  /** GET or POST: patient data is only ever sent in answer to a POST, never to a GET a proxy might keep. */
  httpMethod: string;
  /** The setup link a server without any platform admin printed at start; null once there is one. */
  firstAdmin: FirstAdminSetup | null;
  /** For the request's log line. */
  notes: RequestNotes;
}
