import { useEffect } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading, NotFound } from '../components/Notices.js';
import { serverProblem } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { type ReferralStatus, STATUS_LABEL } from './labels.js';
import { REFERRAL_CONTEXT, ReferralRow } from './queries.js';
import { ReferralList } from './ReferralList.js';

const Inbox = graphql(
  `
  query ReferralInbox($clinicId: ID!, $status: [ReferralStatus!], $locationId: ID) {
    clinic(id: $clinicId) { id name locations { id name } }
    referralInbox(clinicId: $clinicId, status: $status, locationId: $locationId) { ...ReferralRow }
  }
`,
  [ReferralRow],
);

const TO_DO: ReferralStatus[] = ['SENT', 'RECEIVED', 'ACCEPTED', 'SCHEDULED'];

/** A clinic's referral inbox, for its staff: filter by status and by location; the filters live in the URL. */
export function ReferralInboxPage() {
  const { clinicId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const locationId = params.get('location') || null;
  const [result, refetch] = useQuery({
    query: Inbox,
    variables: {
      clinicId,
      status: status === 'open' ? TO_DO : status === 'all' ? null : [status as ReferralStatus],
      locationId,
    },
    requestPolicy: 'cache-and-network',
    context: REFERRAL_CONTEXT,
  });
  const clinic = result.data?.clinic;
  useEffect(() => {
    document.title = clinic ? `Referrals to ${clinic.name} · kapmap` : 'Referrals · kapmap';
  }, [clinic]);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  if (result.fetching && !result.data) return <Loading what="Loading the inbox…" />;
  if (result.error && !result.data)
    return serverProblem(result.error).code === 'NOT_FOUND' ? (
      <NotFound />
    ) : (
      <ErrorNotice error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
    );
  if (!clinic) return <NotFound />;
  return (
    <section className="portal" aria-labelledby="inbox-title">
      <p>
        <Link to={`/portal/clinics/${encodeURIComponent(clinic.id)}`}>← {clinic.name}</Link>
      </p>
      <h1 id="inbox-title">Referrals to {clinic.name}</h1>
      <div className="filters-row">
        <div className="field inline">
          <label htmlFor="inbox-status">Status</label>
          <select
            id="inbox-status"
            value={status}
            onChange={(e) => set('status', e.target.value === 'open' ? '' : e.target.value)}
          >
            <option value="open">To work on (not yet closed)</option>
            <option value="all">All</option>
            {(Object.keys(STATUS_LABEL) as ReferralStatus[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        {clinic.locations.length > 1 && (
          <div className="field inline">
            <label htmlFor="inbox-location">Location</label>
            <select
              id="inbox-location"
              value={locationId ?? ''}
              onChange={(e) => set('location', e.target.value)}
            >
              <option value="">All locations</option>
              {clinic.locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <ReferralList
        referrals={result.data?.referralInbox ?? []}
        show="location"
        empty={
          status === 'open' ? 'Nothing to work on: no open referrals.' : 'No referrals match these filters.'
        }
      />
    </section>
  );
}
