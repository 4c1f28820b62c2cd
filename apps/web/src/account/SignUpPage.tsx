import { SignUpSchema } from '@kapmap/validation';
import { useEffect, useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useClient, useMutation } from 'urql';
import { FormAlert, TextField } from '../forms/Field.js';
import { schemaResolver, showServerError } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { refreshViewer, SignedInUser, safeNext } from './viewer.js';

const SignUp = graphql(
  `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { ...SignedInUser }
  }
`,
  [SignedInUser],
);

const SetUpFirstAdmin = graphql(
  `
  mutation SetUpFirstAdmin($token: String!, $input: SignUpInput!) {
    setUpFirstAdmin(token: $token, input: $input) { ...SignedInUser }
  }
`,
  [SignedInUser],
);

/** Where each kind of account goes next when the link that led here named nowhere. */
const ROLE_NEXT = { physician: '/referrals/register', clinic: '/portal' } as const;

interface Values {
  displayName: string;
  email: string;
  password: string;
}

/**
 * Creating an account. With `firstAdmin`, the page the server's setup link opens: the same form makes the
 * first platform admin and lands on the admin page.
 */
export function SignUpPage({ firstAdmin = false }: { firstAdmin?: boolean }) {
  const [params] = useSearchParams();
  const asked = params.get('next');
  const [role, setRole] = useState<keyof typeof ROLE_NEXT | null>(
    params.get('role') === 'physician' ? 'physician' : params.get('role') === 'clinic' ? 'clinic' : null,
  );
  const next = firstAdmin ? '/admin' : asked ? safeNext(asked) : role ? ROLE_NEXT[role] : '/portal';
  const navigate = useNavigate();
  const client = useClient();
  const [, signUp] = useMutation(SignUp);
  const [, setUp] = useMutation(SetUpFirstAdmin);
  const roleId = useId();
  const [alert, setAlert] = useState<string | null>(null);
  const [showPassword, setShowPassword] = useState(false);
  const form = useForm<Values>({
    mode: 'onTouched',
    defaultValues: { displayName: '', email: params.get('email') ?? '', password: '' },
    resolver: schemaResolver(SignUpSchema),
  });
  const { errors, isSubmitting } = form.formState;

  useEffect(() => {
    document.title = firstAdmin ? 'Set up the first platform admin · kapmap' : 'Create an account · kapmap';
  }, [firstAdmin]);

  const onSubmit = form.handleSubmit(async (input) => {
    setAlert(null);
    const res = firstAdmin
      ? await setUp({ token: params.get('token') ?? '', input })
      : await signUp({ input });
    if (res.error) setAlert(showServerError(res.error, form.setError));
    else {
      await refreshViewer(client);
      navigate(next, { replace: true });
    }
  });

  return (
    <section className="account-page" aria-labelledby="signup-title">
      <h1 id="signup-title">{firstAdmin ? 'Set up the first platform admin' : 'Create an account'}</h1>
      {firstAdmin ? (
        <p>
          This link was printed in the server’s log when it started without a platform admin. The account made
          here verifies clinics and physicians. It works once.
        </p>
      ) : (
        <p>
          For clinic teams keeping their listing, and physicians referring patients. Patients need no account.
        </p>
      )}
      <form onSubmit={onSubmit} noValidate>
        <FormAlert message={alert} />
        {!firstAdmin && !asked && (
          <fieldset className="role-choice" aria-describedby={roleId}>
            <legend>I am</legend>
            <label className="check">
              <input
                type="radio"
                name="role"
                checked={role === 'physician'}
                onChange={() => setRole('physician')}
              />
              A physician or clinician who refers patients
            </label>
            <label className="check">
              <input
                type="radio"
                name="role"
                checked={role === 'clinic'}
                onChange={() => setRole('clinic')}
              />
              On a clinic’s team, keeping its listing
            </label>
            <p id={roleId} className="hint">
              {role === 'physician'
                ? 'Next you register your NPI; a kapmap admin verifies it before you can send referrals.'
                : role === 'clinic'
                  ? 'Next you add your clinic, or accept the invitation your colleague sent.'
                  : 'Choose one: it decides what comes next.'}
            </p>
          </fieldset>
        )}
        <TextField
          label="Your name"
          autoComplete="name"
          registration={form.register('displayName')}
          error={errors.displayName}
        />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          hint="We send a link to confirm it."
          registration={form.register('email')}
          error={errors.email}
        />
        <TextField
          label="Password"
          type={showPassword ? 'text' : 'password'}
          autoComplete="new-password"
          hint="At least 8 characters. A phrase of a few words is easy to remember and hard to guess."
          registration={form.register('password')}
          error={errors.password}
        />
        <label className="check">
          <input type="checkbox" checked={showPassword} onChange={(e) => setShowPassword(e.target.checked)} />{' '}
          Show password
        </label>
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting
            ? 'Creating your account…'
            : firstAdmin
              ? 'Create the admin account'
              : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={`/sign-in?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </section>
  );
}
