import { emailField, passwordLengthField } from '@kapmap/validation';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { z } from 'zod';
import { FormAlert, TextField } from '../forms/Field.js';
import { schemaResolver, serverProblem, showServerError } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { SignedInUser } from './viewer.js';

const RequestReset = graphql(`
  mutation RequestPasswordReset($email: String!) { requestPasswordReset(email: $email) }
`);
const ResetPassword = graphql(
  `
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) { isPlatformAdmin ...SignedInUser }
  }
`,
  [SignedInUser],
);

const RequestSchema = z.object({ email: emailField });
const ResetSchema = z.object({ newPassword: passwordLengthField });

export function ForgotPasswordPage() {
  const [, request] = useMutation(RequestReset);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<{ email: string }>({
    mode: 'onTouched',
    defaultValues: { email: '' },
    resolver: schemaResolver(RequestSchema),
  });
  useEffect(() => {
    document.title = 'Reset your password · kapmap';
  }, []);

  const onSubmit = form.handleSubmit(async ({ email }) => {
    setAlert(null);
    const res = await request({ email: email.trim() });
    if (res.error) setAlert(showServerError(res.error, form.setError));
    else setSentTo(email.trim());
  });

  if (sentTo)
    return (
      <section className="account-page" aria-labelledby="reset-title">
        <h1 id="reset-title">Check your email</h1>
        <p role="status">
          If {sentTo} has a kapmap account, we have sent it a link to set a new password. The link works once,
          for an hour.
        </p>
        <p>
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </section>
    );

  return (
    <section className="account-page" aria-labelledby="reset-title">
      <h1 id="reset-title">Reset your password</h1>
      <p>Enter your account’s address and we will email you a link to set a new password.</p>
      <form onSubmit={onSubmit} noValidate>
        <FormAlert message={alert} />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          registration={form.register('email')}
          error={form.formState.errors.email}
        />
        <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
          Email me a link
        </button>
      </form>
    </section>
  );
}

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const [, reset] = useMutation(ResetPassword);
  const [alert, setAlert] = useState<{ message: string; expired: boolean } | null>(null);
  const form = useForm<{ newPassword: string }>({
    mode: 'onTouched',
    defaultValues: { newPassword: '' },
    resolver: schemaResolver(ResetSchema),
  });
  useEffect(() => {
    document.title = 'Set a new password · kapmap';
  }, []);

  const onSubmit = form.handleSubmit(async ({ newPassword }) => {
    setAlert(null);
    const res = await reset({ input: { token, newPassword } });
    if (!res.error) {
      // A platform admin (the first one set a password from create-admin's link) lands where their work is.
      navigate(res.data?.resetPassword.isPlatformAdmin ? '/admin' : '/portal', { replace: true });
      return;
    }
    const problem = serverProblem(res.error);
    if (problem.code === 'LINK_INVALID') setAlert({ message: problem.message, expired: true });
    else {
      const message = showServerError(res.error, form.setError, (f) => (f === 'newPassword' ? f : null));
      if (message) setAlert({ message, expired: false });
    }
  });

  return (
    <section className="account-page" aria-labelledby="new-password-title">
      <h1 id="new-password-title">Set a new password</h1>
      {!token ? (
        <p>
          This page needs the link from your email. <Link to="/forgot-password">Ask for a new link</Link>.
        </p>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <FormAlert message={alert?.message} />
          {alert?.expired && (
            <p>
              <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          )}
          {/* Lets a password manager save the new password against the right account. */}
          <input type="hidden" autoComplete="username" />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            hint="At least 8 characters. Every other session of your account will be signed out."
            registration={form.register('newPassword')}
            error={form.formState.errors.newPassword}
          />
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            Set password and sign in
          </button>
        </form>
      )}
    </section>
  );
}
