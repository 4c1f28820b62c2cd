import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { serverProblem } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { useViewer } from './viewer.js';

const Accept = graphql(`
  mutation AcceptClinicInvitation($token: String!) {
    acceptClinicInvitation(token: $token) { role clinic { id name } }
  }
`);

/** Opened from an invitation email: joins the clinic's team once the invited person is signed in. */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { viewer, loading } = useViewer();
  const navigate = useNavigate();
  const [state, accept] = useMutation(Accept);
  const [problem, setProblem] = useState<string | null>(null);
  const here = `/invitations/accept?token=${encodeURIComponent(token)}`;

  useEffect(() => {
    document.title = 'Join a clinic’s team · kapmap';
  }, []);

  async function join() {
    setProblem(null);
    const res = await accept({ token });
    if (res.error) setProblem(serverProblem(res.error).message);
    else if (res.data)
      navigate(`/portal/clinics/${res.data.acceptClinicInvitation.clinic.id}`, { replace: true });
  }

  return (
    <section className="account-page" aria-labelledby="invite-title">
      <h1 id="invite-title">Join a clinic’s team</h1>
      {!token ? (
        <p>This page needs the link from your invitation email.</p>
      ) : loading ? (
        <p role="status">Loading…</p>
      ) : !viewer ? (
        <>
          <p>
            You have been invited to help keep a clinic’s kapmap listing. Use the address the invitation was
            sent to.
          </p>
          <p className="actions">
            <Link className="button primary" to={`/sign-up?next=${encodeURIComponent(here)}`}>
              Create an account
            </Link>
            <Link className="button" to={`/sign-in?next=${encodeURIComponent(here)}`}>
              Sign in
            </Link>
          </p>
        </>
      ) : (
        <>
          <p>
            You are signed in as <strong>{viewer.email}</strong>. The invitation works only for the address it
            was sent to.
          </p>
          {problem && (
            <div className="notice error" role="alert">
              <p>{problem}</p>
            </div>
          )}
          <button type="button" className="primary" onClick={join} disabled={state.fetching}>
            {state.fetching ? 'Joining…' : 'Join the team'}
          </button>
        </>
      )}
    </section>
  );
}
