import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { serverProblem } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { useViewer } from './viewer.js';

const VerifyEmail = graphql(`
  mutation VerifyEmail($token: String!) { verifyEmail(token: $token) }
`);

/** Opened from the confirmation email: confirms the address at once (the link is single-use). */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [, verify] = useMutation(VerifyEmail);
  const { viewer, refetch } = useViewer();
  const [state, setState] = useState<{ done: boolean; message?: string }>({ done: false });
  // The link is single-use: React's development double-run of effects must not spend it twice.
  const sent = useRef(false);

  useEffect(() => {
    document.title = 'Confirm your email · kapmap';
    if (!token || sent.current) return;
    sent.current = true;
    verify({ token }).then((res) => {
      if (res.error) setState({ done: true, message: serverProblem(res.error).message });
      else {
        setState({ done: true });
        refetch();
      }
    });
  }, [token, verify, refetch]);

  return (
    <section className="account-page" aria-labelledby="verify-title" aria-live="polite">
      <h1 id="verify-title">Confirm your email</h1>
      {!token ? (
        <p>This page needs the link from your email.</p>
      ) : !state.done ? (
        <p role="status">Confirming your address…</p>
      ) : state.message ? (
        <>
          <div className="notice error" role="alert">
            <p>{state.message}</p>
          </div>
          <p>
            {viewer
              ? 'You can ask for a new link from your clinics page.'
              : 'Sign in, and you can ask for a new link from your clinics page.'}{' '}
            <Link to={viewer ? '/portal' : '/sign-in'}>{viewer ? 'Your clinics' : 'Sign in'}</Link>
          </p>
        </>
      ) : (
        <>
          <p role="status">Thank you: your address is confirmed.</p>
          <p>
            <Link to="/portal">Go to your clinics</Link>
          </p>
        </>
      )}
    </section>
  );
}
