import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { Viewer } from '../account/viewer.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading, NotFound } from '../components/Notices.js';
import { FormAlert } from '../forms/Field.js';
import { ReasonForm } from '../forms/ReasonForm.js';
import { serverProblem } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { ReportItem } from '../portal/ReportItem.js';
import { formatDateTime } from '../search/format.js';

const AdminQuery = graphql(`
  query AdminQueues {
    clinicsAwaitingVerification {
      id name website phone email
      lastConfirmedAt submittedAt submittedBy
      licenseNumber licenseState medicalDirector organizationNpi
      locations { id name isTelehealth servesStates address { line1 city state postalCode } }
    }
    providersAwaitingVerification { userId name npi practice specialty state registeredAt }
    openListingReports { id what contact createdAt clinic { id name } location { name } }
  }
`);
const VerifyClinic = graphql(
  `mutation VerifyClinic($id: ID!) { verifyClinic(id: $id) { id verification published } }`,
);
const RejectClinic = graphql(`
  mutation RejectClinic($id: ID!, $reason: String!) { rejectClinic(id: $id, reason: $reason) { id verification } }
`);
const VerifyProvider = graphql(
  `mutation VerifyProvider($userId: ID!) { verifyProvider(userId: $userId) { userId verified } }`,
);
const RejectProvider = graphql(`
  mutation RejectProvider($userId: ID!, $reason: String!) {
    rejectProvider(userId: $userId, reason: $reason) { userId rejectionReason }
  }
`);

/** The platform admin's queues: clinics to verify, providers to check, reports of wrong listings. */
export function AdminPage({ viewer }: { viewer: Viewer }) {
  const [result, reexecute] = useQuery({
    query: AdminQuery,
    pause: !viewer.isPlatformAdmin,
    requestPolicy: 'cache-and-network',
  });
  const [, verifyClinic] = useMutation(VerifyClinic);
  const [, rejectClinic] = useMutation(RejectClinic);
  const [, verifyProvider] = useMutation(VerifyProvider);
  const [, rejectProvider] = useMutation(RejectProvider);
  const [alert, setAlert] = useState<string | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });

  useEffect(() => {
    document.title = 'Administration · kapmap';
  }, []);

  if (!viewer.isPlatformAdmin) return <NotFound />;
  if (result.error) return <ErrorNotice error={result.error} onRetry={refresh} />;
  if (!result.data) return <Loading what="Loading the queues…" />;
  const { clinicsAwaitingVerification: clinics, providersAwaitingVerification: providers } = result.data;
  const reports = result.data.openListingReports;

  return (
    <article className="portal" aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <FormAlert message={alert} />
      <section aria-labelledby="clinics-title" className="card">
        <h2 id="clinics-title">Clinics waiting for verification ({clinics.length})</h2>
        {clinics.length === 0 ? (
          <p>None: every clinic has been reviewed.</p>
        ) : (
          <ul className="plain">
            {clinics.map((c) => (
              <li key={c.id} className="review">
                <h3>{c.name}</h3>
                <p className="muted">
                  Added {formatDateTime(c.submittedAt)}
                  {c.submittedBy ? ` by ${c.submittedBy}` : ''}
                </p>
                <p className="muted">
                  {[c.website, c.phone, c.email].filter(Boolean).join(' · ') || 'No contact details'}
                </p>
                <dl className="details">
                  <dt>State license</dt>
                  <dd>
                    {c.licenseNumber
                      ? `${c.licenseNumber}${c.licenseState ? ` (${c.licenseState})` : ''}`
                      : 'Not given'}
                  </dd>
                  <dt>Medical director</dt>
                  <dd>{c.medicalDirector ?? 'Not given'}</dd>
                  <dt>Organization NPI</dt>
                  <dd>
                    {c.organizationNpi ? (
                      <a
                        href={`https://npiregistry.cms.hhs.gov/provider-view/${c.organizationNpi}`}
                        target="_blank"
                        rel="noopener noreferrer"
                      >
                        {c.organizationNpi}
                        <span className="visually-hidden"> (opens the NPI registry in a new tab)</span>
                      </a>
                    ) : (
                      'Not given'
                    )}
                  </dd>
                </dl>
                <ul>
                  {c.locations.map((l) => (
                    <li key={l.id}>
                      {l.name}:{' '}
                      {l.address
                        ? `${l.address.line1}, ${l.address.city}, ${l.address.state} ${l.address.postalCode}`
                        : `telehealth in ${l.servesStates.join(', ')}`}
                    </li>
                  ))}
                  {c.locations.length === 0 && <li>No locations yet.</li>}
                </ul>
                <div className="actions">
                  <Link to={`/clinics/${c.id}`} className="button">
                    Preview<span className="visually-hidden"> {c.name}</span>
                  </Link>
                  <button
                    type="button"
                    className="primary"
                    onClick={async () => {
                      const res = await verifyClinic({ id: c.id });
                      setAlert(res.error ? serverProblem(res.error).message : null);
                      refresh();
                    }}
                  >
                    Verify and publish<span className="visually-hidden"> {c.name}</span>
                  </button>
                </div>
                <ReasonForm
                  label={`Why ${c.name} is not accepted`}
                  submitLabel="Reject"
                  onSubmit={async (reason) => {
                    const res = await rejectClinic({ id: c.id, reason });
                    if (!res.error) refresh();
                    return res.error ?? null;
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="providers-title" className="card">
        <h2 id="providers-title">Referring providers to check ({providers.length})</h2>
        {providers.length === 0 ? (
          <p>None waiting.</p>
        ) : (
          <ul className="plain">
            {providers.map((p) => (
              <li key={p.userId} className="review">
                <p className="muted">Registered {formatDateTime(p.registeredAt)}</p>
                <strong>{p.name}</strong>, {p.specialty}, {p.practice} ({p.state}) · NPI{' '}
                <a
                  href={`https://npiregistry.cms.hhs.gov/provider-view/${p.npi}`}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  {p.npi}
                  <span className="visually-hidden"> (opens the NPI registry in a new tab)</span>
                </a>{' '}
                <button
                  type="button"
                  onClick={async () => {
                    const res = await verifyProvider({ userId: p.userId });
                    setAlert(res.error ? serverProblem(res.error).message : null);
                    refresh();
                  }}
                >
                  Mark verified<span className="visually-hidden"> {p.name}</span>
                </button>
                <ReasonForm
                  label={`Why ${p.name} cannot be verified`}
                  submitLabel="Decline"
                  onSubmit={async (reason) => {
                    const res = await rejectProvider({ userId: p.userId, reason });
                    if (!res.error) refresh();
                    return res.error ?? null;
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="reports-title" className="card">
        <h2 id="reports-title">Open reports of wrong listings ({reports.length})</h2>
        {reports.length === 0 ? (
          <p>None open.</p>
        ) : (
          <ul className="plain">
            {reports.map((r) => (
              <ReportItem key={r.id} report={r} refresh={refresh}>
                <h3>
                  <Link to={`/clinics/${r.clinic.id}`}>{r.clinic.name}</Link>
                </h3>
              </ReportItem>
            ))}
          </ul>
        )}
        <p className="muted">
          The clinic’s admins see these in their portal too. To take a listing out of public view, open it and
          use “Unpublish”.
        </p>
      </section>
    </article>
  );
}
