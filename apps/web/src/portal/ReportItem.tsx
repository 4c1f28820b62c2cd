import { resolutionField } from '@kapmap/validation';
import { type ReactNode, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useMutation } from 'urql';
import { z } from 'zod';
import { FormAlert, TextField } from '../forms/Field.js';
import { schemaResolver, showServerError } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { formatDateTime } from '../search/format.js';

const ResolveReport = graphql(`
  mutation ResolveListingReport($id: ID!, $resolution: String!) {
    resolveListingReport(id: $id, resolution: $resolution) { id resolvedAt }
  }
`);

interface Report {
  id: string;
  what: string;
  contact?: string | null | undefined;
  createdAt: string;
  location?: { name: string } | null | undefined;
}

const ResolveSchema = z.object({ resolution: resolutionField });

/** A report that a listing is wrong, and the form that closes it with what was done. */
export function ReportItem({
  report,
  refresh,
  children,
}: {
  report: Report;
  refresh: () => void;
  children?: ReactNode;
}) {
  const [, resolve] = useMutation(ResolveReport);
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<{ resolution: string }>({
    mode: 'onTouched',
    defaultValues: { resolution: '' },
    resolver: schemaResolver(ResolveSchema),
  });
  const onSubmit = form.handleSubmit(async ({ resolution }) => {
    const res = await resolve({ id: report.id, resolution });
    if (res.error) setAlert(showServerError(res.error, form.setError));
    else refresh();
  });
  return (
    <li className="report">
      {children}
      <p>
        <strong>{report.what}</strong>
      </p>
      <p className="muted">
        {formatDateTime(report.createdAt)}
        {report.location && <> · about {report.location.name}</>}
        {report.contact && <> · reach them at {report.contact}</>}
      </p>
      <form onSubmit={onSubmit} noValidate className="inline-form">
        <FormAlert message={alert} />
        <TextField
          label="What was done"
          registration={form.register('resolution')}
          error={form.formState.errors.resolution}
        />
        <button type="submit" disabled={form.formState.isSubmitting}>
          Resolve
        </button>
      </form>
    </li>
  );
}
