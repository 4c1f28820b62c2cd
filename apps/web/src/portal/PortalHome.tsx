import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import type { Viewer } from '../account/viewer.js';
import { graphql } from '../graphql/index.js';
import { ClinicForm, clinicInput, emptyClinic } from './ClinicForm.js';
import { StatusBadge } from './status.js';

const CreateClinic = graphql(`
  mutation CreateClinic($input: ClinicInput!) { createClinic(input: $input) { id } }
`);
const ResendVerification = graphql(`
  mutation ResendVerificationEmail { resendVerificationEmail }
`);

/** A signed-in user's clinics, and where to add one. */
export function PortalHome({ viewer }: { viewer: Viewer }) {
  const navigate = useNavigate();
  const [, createClinic] = useMutation(CreateClinic);
  const [resent, resend] = useMutation(ResendVerification);
  const [adding, setAdding] = useState(viewer.memberships.length === 0);

  useEffect(() => {
    document.title = 'Your clinics · kapmap';
  }, []);

  return (
    <section className="portal" aria-labelledby="portal-title">
      <h1 id="portal-title">Your clinics</h1>
      {!viewer.emailVerified && (
        <div className="notice warn">
          <p>
            Please confirm your address: we sent a link to <strong>{viewer.email}</strong>.
          </p>
          {resent.data ? (
            <p role="status">A new link is on its way.</p>
          ) : (
            <button type="button" onClick={() => resend({})} disabled={resent.fetching}>
              Send a new link
            </button>
          )}
        </div>
      )}
      {viewer.memberships.length > 0 ? (
        <ul className="clinic-list">
          {viewer.memberships.map((m) => (
            <li key={m.clinic.id}>
              <Link to={`/portal/clinics/${m.clinic.id}`}>{m.clinic.name}</Link>{' '}
              <span className="muted">{m.role === 'ADMIN' ? 'Admin' : 'Staff'}</span>{' '}
              <StatusBadge verification={m.clinic.verification} published={m.clinic.published} />
              {m.clinic.notRecentlyConfirmed && <span className="badge warn">Needs confirming</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p>You are not on any clinic’s team yet. Add your clinic, or ask its admin to invite you.</p>
      )}
      {adding ? (
        <section aria-labelledby="add-clinic" className="card">
          <h2 id="add-clinic">Add your clinic</h2>
          <p>
            You become its admin. kapmap checks that the clinic exists and is licensed before the public can
            see it.
          </p>
          <ClinicForm
            initial={emptyClinic}
            submitLabel="Add clinic"
            onSave={async (values) => {
              const res = await createClinic({ input: clinicInput(values) });
              if (res.data) navigate(`/portal/clinics/${res.data.createClinic.id}`);
              return res.error ?? null;
            }}
          />
        </section>
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          Add a clinic
        </button>
      )}
    </section>
  );
}
