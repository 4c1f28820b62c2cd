import { type Client, useQuery } from 'urql';
import { graphql, type ResultOf } from '../graphql/index.js';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      id displayName email emailVerified isPlatformAdmin
      providerProfile { npi name verified rejectionReason }
      memberships { role clinic { id name verification published notRecentlyConfirmed } }
    }
  }
`);

/**
 * What signing in, signing up and resetting a password answer with: a User (and its memberships), so urql's
 * cache refreshes every query that showed the viewer or their clinics.
 */
export const SignedInUser = graphql(`
  fragment SignedInUser on User { id displayName email emailVerified isPlatformAdmin memberships { role } }
`);

export type Viewer = NonNullable<ResultOf<typeof ViewerQuery>['viewer']>;

/**
 * The signed-in user, or null. Signing in returns a User, which refreshes this query; `additionalTypenames`
 * makes that true even while the answer is null (and so names no User).
 */
export function useViewer() {
  const [result, refetch] = useQuery({
    query: ViewerQuery,
    context: VIEWER_CONTEXT,
  });
  const viewer = result.data?.viewer ?? null;
  return {
    viewer,
    // Signing in invalidates an answer of "nobody": while it is being fetched again it is not an answer, or
    // a page behind sign-in would send the user who just signed in back to the sign-in page.
    loading: (result.fetching || result.stale) && !viewer,
    error: result.error,
    refetch: () => refetch({ requestPolicy: 'network-only' }),
  };
}

const VIEWER_CONTEXT = { additionalTypenames: ['User', 'ClinicMembership', 'ProviderProfile'] };

/** Where to go after signing in: only a path on this site, never another origin. */
export function safeNext(next: string | null, fallback = '/portal'): string {
  // Not `//host` nor `/\host`: browsers read both as another origin.
  return next && /^\/(?![/\\])/.test(next) ? next : fallback;
}

/** Whether the signed-in user is a referring provider: they see "Refer a patient" on listings. */
/** Where the signed-in user stands as a referring provider. */
export function useProviderStatus(): 'none' | 'pending' | 'declined' | 'verified' {
  const profile = useViewer().viewer?.providerProfile;
  if (!profile) return 'none';
  return profile.verified ? 'verified' : profile.rejectionReason ? 'declined' : 'pending';
}

/** Whether to offer "Refer a patient": only to providers a platform admin has verified. */
export function useIsProvider(): boolean {
  return useProviderStatus() === 'verified';
}

/**
 * Fetches the viewer afresh and waits for it: called after signing in or up, before leaving for a page
 * behind sign-in, so that page finds the new viewer in the cache rather than the old "nobody".
 */
export async function refreshViewer(client: Client): Promise<void> {
  await client.query(ViewerQuery, {}, { ...VIEWER_CONTEXT, requestPolicy: 'network-only' }).toPromise();
}
