import { Link } from 'react-router';
import { type FragmentOf, readFragment } from '../graphql/index.js';
import { formatDateTime } from '../search/format.js';
import { STATUS_HINT, StatusBadge } from './labels.js';
import { ReferralRow } from './queries.js';

/** A list of referrals, most recently active first: the patient, where it went, where it stands. */
export function ReferralList({
  referrals,
  show,
  empty,
}: {
  referrals: readonly FragmentOf<typeof ReferralRow>[];
  /** The provider's list names the clinic; a clinic's inbox names its location. */
  show: 'clinic' | 'location';
  empty: string;
}) {
  if (referrals.length === 0) return <p className="empty">{empty}</p>;
  return (
    <ul className="referral-list">
      {referrals.map((masked) => {
        const r = readFragment(ReferralRow, masked);
        return (
          <li key={r.id} className="card">
            <div className="card-head">
              <h3>
                <Link to={`/referrals/${encodeURIComponent(r.id)}`}>{r.patient.name}</Link>
              </h3>
              <StatusBadge status={r.status} />
            </div>
            <p className="card-sub">
              {show === 'clinic' ? `${r.clinic.name} · ${r.location.name}` : r.location.name}
              {r.urgency !== 'ROUTINE' && (
                <span className="badge warn">{r.urgency === 'URGENT' ? 'Urgent' : 'Soon'}</span>
              )}
            </p>
            <p className="muted">
              {show === 'location' && r.status === 'SENT'
                ? 'New: nobody here has opened it yet.'
                : STATUS_HINT[r.status]}{' '}
              Sent {formatDateTime(r.createdAt)}
              {r.updatedAt !== r.createdAt && <>, last change {formatDateTime(r.updatedAt)}</>}.
              {r.scheduledFor && <> First appointment {formatDateTime(r.scheduledFor)}.</>}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
