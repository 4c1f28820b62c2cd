import { SignInSchema } from '@kapmap/validation';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useClient, useMutation } from 'urql';
import { FormAlert, TextField } from '../forms/Field.js';
import { schemaResolver, serverProblem } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { refreshViewer, SignedInUser, safeNext } from './viewer.js';

const SignIn = graphql(
  `
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) { ...SignedInUser }
  }
`,
  [SignedInUser],
);

interface Values {
  email: string;
  password: string;
}

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const client = useClient();
  const [, signIn] = useMutation(SignIn);
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<Values>({
    mode: 'onTouched',
    defaultValues: { email: params.get('email') ?? '', password: '' },
    resolver: schemaResolver(SignInSchema),
  });
  const { errors, isSubmitting } = form.formState;

  useEffect(() => {
    document.title = 'Sign in · kapmap';
  }, []);

  const onSubmit = form.handleSubmit(async (input) => {
    setAlert(null);
    const res = await signIn({ input });
    if (res.error) {
      // Never beside a field: which of the two was wrong is exactly what must not be told.
      setAlert(serverProblem(res.error).message);
      form.setValue('password', '');
      form.setFocus('password');
    } else {
      await refreshViewer(client);
      navigate(next, { replace: true });
    }
  });

  return (
    <section className="account-page" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form onSubmit={onSubmit} noValidate>
        <FormAlert message={alert} />
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          registration={form.register('email')}
          error={errors.email}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          registration={form.register('password')}
          error={errors.password}
        />
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New to kapmap? <Link to={`/sign-up?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </section>
  );
}
