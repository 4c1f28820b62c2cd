import { SignUpSchema } from '@kapmap/validation';
import { useEffect, useState } from 'react';
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

interface Values {
  displayName: string;
  email: string;
  password: string;
}

export function SignUpPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const client = useClient();
  const [, signUp] = useMutation(SignUp);
  const [alert, setAlert] = useState<string | null>(null);
  const [showPassword, setShowPassword] = useState(false);
  const form = useForm<Values>({
    mode: 'onTouched',
    defaultValues: { displayName: '', email: params.get('email') ?? '', password: '' },
    resolver: schemaResolver(SignUpSchema),
  });
  const { errors, isSubmitting } = form.formState;

  useEffect(() => {
    document.title = 'Create an account · kapmap';
  }, []);

  const onSubmit = form.handleSubmit(async (input) => {
    setAlert(null);
    const res = await signUp({ input });
    if (res.error) setAlert(showServerError(res.error, form.setError));
    else {
      await refreshViewer(client);
      navigate(next, { replace: true });
    }
  });

  return (
    <section className="account-page" aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <p>
        For clinic teams keeping their listing, and physicians referring patients. Patients need no account.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <FormAlert message={alert} />
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
          {isSubmitting ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={`/sign-in?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </section>
  );
}
