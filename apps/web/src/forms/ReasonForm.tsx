import { reasonField } from '@kapmap/validation';
import type { CombinedError } from '@urql/core';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { FormAlert, TextField } from './Field.js';
import { schemaResolver, showServerError } from './resolver.js';

const ReasonSchema = z.object({ reason: reasonField });

/** A reason the clinic will read, checked as you type; sent with `onSubmit`. */
export function ReasonForm({
  label,
  submitLabel,
  onSubmit,
}: {
  label: string;
  submitLabel: string;
  onSubmit: (reason: string) => Promise<CombinedError | null>;
}) {
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<{ reason: string }>({
    mode: 'onTouched',
    defaultValues: { reason: '' },
    resolver: schemaResolver(ReasonSchema),
  });
  const submit = form.handleSubmit(async ({ reason }) => {
    setAlert(null);
    const error = await onSubmit(reason);
    if (error) setAlert(showServerError(error, form.setError));
  });
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <FormAlert message={alert} />
      <TextField
        label={label}
        hint="The clinic’s admins see this."
        registration={form.register('reason')}
        error={form.formState.errors.reason}
      />
      <button type="submit" disabled={form.formState.isSubmitting}>
        {submitLabel}
      </button>
    </form>
  );
}
