import { ProviderProfileSchema } from '@kapmap/validation';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { safeNext, type Viewer } from '../account/viewer.js';
import { FormAlert, TextField } from '../forms/Field.js';
import { schemaResolver, showServerError } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';

const RegisterAsProvider = graphql(`
  mutation RegisterAsProvider($input: ProviderProfileInput!) {
    registerAsProvider(input: $input) { npi name verified }
  }
`);

interface Values {
  npi: string;
  name: string;
  practice: string;
  specialty: string;
  state: string;
}

/** A physician registers as a referring provider: their NPI is then checked by a kapmap admin. */
export function ProviderRegistrationPage({ viewer }: { viewer: Viewer }) {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'), '/referrals');
  const navigate = useNavigate();
  const [, register] = useMutation(RegisterAsProvider);
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<Values>({
    mode: 'onTouched',
    defaultValues: { npi: '', name: viewer.displayName, practice: '', specialty: '', state: '' },
    resolver: schemaResolver(ProviderProfileSchema),
  });
  const { errors, isSubmitting } = form.formState;
  useEffect(() => {
    document.title = 'Register as a referring provider · kapmap';
  }, []);

  const onSubmit = form.handleSubmit(async (input) => {
    setAlert(null);
    const res = await register({ input }, { additionalTypenames: ['User'] });
    if (res.error) setAlert(showServerError(res.error, form.setError));
    else navigate(next, { replace: true });
  });

  return (
    <section className="account-page" aria-labelledby="provider-title">
      <h1 id="provider-title">Register as a referring provider</h1>
      {viewer.providerProfile?.rejectionReason && (
        <p className="notice warn" role="note">
          kapmap could not verify your registration: {viewer.providerProfile.rejectionReason} Correct it below
          and register again.
        </p>
      )}
      {viewer.providerProfile && !viewer.providerProfile.rejectionReason && (
        <p className="notice">
          You are registered with NPI {viewer.providerProfile.npi}
          {viewer.providerProfile.verified ? '.' : ', waiting for a kapmap admin to verify it.'} Changing your
          details here sends them to be checked again.
        </p>
      )}
      <p>
        kapmap checks your National Provider Identifier before you can send referrals: that keeps patients’
        data between real clinicians.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <FormAlert message={alert} />
        <TextField
          label="NPI"
          inputMode="numeric"
          autoComplete="off"
          hint="Your 10-digit National Provider Identifier."
          registration={form.register('npi')}
          error={errors.npi}
        />
        <TextField
          label="Name, as registered with the NPI"
          registration={form.register('name')}
          error={errors.name}
        />
        <TextField
          label="Practice"
          autoComplete="organization"
          registration={form.register('practice')}
          error={errors.practice}
        />
        <TextField
          label="Specialty"
          hint="Psychiatry, family medicine…"
          registration={form.register('specialty')}
          error={errors.specialty}
        />
        <TextField
          label="State you practice in"
          hint="Two letters: NC."
          maxLength={2}
          registration={form.register('state', { setValueAs: (v: string) => v.toUpperCase() })}
          error={errors.state}
        />
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? 'Registering…' : 'Register'}
        </button>
      </form>
    </section>
  );
}
