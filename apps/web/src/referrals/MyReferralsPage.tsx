import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import type { Viewer } from '../account/viewer.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading } from '../components/Notices.js';
import { graphql } from '../graphql/index.js';
import { type ReferralStatus, STATUS_LABEL } from './labels.js';
import { REFERRAL_CONTEXT, ReferralRow } from './queries.js';
import { ReferralList } from './ReferralList.js';

const SentReferrals = graphql(
  `
  query SentReferrals($status: [ReferralStatus!]) { sentReferrals(status: $status) { ...ReferralRow } }
`,
  [ReferralRow],
);

const OPEN: ReferralStatus[] = ['SENT', 'RECEIVED', 'ACCEPTED', 'SCHEDULED'];
const FILTERS = {
  open: OPEN,
  all: null,
  ...Object.fromEntries(Object.keys(STATUS_LABEL).map((s) => [s, [s]])),
} as Record<string, ReferralStatus[] | null>;

/** "My referrals": what a provider has sent, and where each stands. */
export function MyReferralsPage({ viewer }: { viewer: Viewer }) {
  const [filter, setFilter] = useState('open');
  const [result, refetch] = useQuery({
    query: SentReferrals,
    variables: { status: FILTERS[filter] ?? null },
    requestPolicy: 'cache-and-network',
    context: REFERRAL_CONTEXT,
  });
  useEffect(() => {
    document.title = 'My referrals · kapmap';
  }, []);
  return (
    <section className="portal" aria-labelledby="mine-title">
      <h1 id="mine-title">My referrals</h1>
      {!viewer.providerProfile ? (
        <p className="notice">
          To send referrals, <Link to="/referrals/register">register as a referring provider</Link> with your
          NPI.
        </p>
      ) : viewer.providerProfile.rejectionReason ? (
        <div className="notice warn" role="note">
          <p>kapmap could not verify your registration: {viewer.providerProfile.rejectionReason}</p>
          <p>
            <Link to="/referrals/register">Correct your registration</Link> and it will be checked again.
          </p>
        </div>
      ) : !viewer.providerProfile.verified ? (
        <p className="notice">
          Your NPI is waiting for a kapmap admin to verify it. You can send referrals after; we email you
          then.
        </p>
      ) : (
        <p>
          To send one, <Link to="/">find a clinic</Link> and choose “Refer a patient” on it.
        </p>
      )}
      <div className="field inline">
        <label htmlFor="mine-filter">Show</label>
        <select id="mine-filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
          <option value="open">Open (not yet closed)</option>
          <option value="all">All</option>
          {(Object.keys(STATUS_LABEL) as ReferralStatus[]).map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      {result.fetching && !result.data ? (
        <Loading what="Loading your referrals…" />
      ) : result.error ? (
        <ErrorNotice error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : (
        <ReferralList
          referrals={result.data?.sentReferrals ?? []}
          show="clinic"
          empty={filter === 'open' ? 'No open referrals.' : 'No referrals here.'}
        />
      )}
    </section>
  );
}
