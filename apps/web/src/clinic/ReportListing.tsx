import { ListingReportSchema } from '@kapmap/validation';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useMutation } from 'urql';
import { FormAlert, TextAreaField, TextField } from '../forms/Field.js';
import { schemaResolver, showServerError } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';

const Report = graphql(`
  mutation ReportListing($input: ListingReportInput!) { reportListing(input: $input) }
`);

interface Values {
  what: string;
  contact: string;
  locationId: string;
}

/** Anyone, signed in or not, can say a listing is wrong; the clinic's admins and kapmap are told. */
export function ReportListing({
  clinicId,
  locations,
}: {
  clinicId: string;
  locations: { id: string; name: string }[];
}) {
  const [, report] = useMutation(Report);
  const [sent, setSent] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const selectId = useId();
  const form = useForm<Values>({
    mode: 'onTouched',
    defaultValues: { what: '', contact: '', locationId: '' },
    resolver: schemaResolver(ListingReportSchema),
  });

  const onSubmit = form.handleSubmit(async ({ what, contact, locationId }) => {
    setAlert(null);
    const res = await report({
      input: { clinicId, what: what.trim(), contact: contact.trim() || null, locationId: locationId || null },
    });
    if (res.error) setAlert(showServerError(res.error, form.setError));
    else setSent(true);
  });

  return (
    <details className="report-listing">
      <summary>Something here wrong? Tell us</summary>
      {sent ? (
        <p role="status">
          Thank you. The clinic and kapmap have both been told, and the clinic will check its listing.
        </p>
      ) : (
        <form onSubmit={onSubmit} noValidate className="stack">
          <FormAlert message={alert} />
          {locations.length > 1 && (
            <div className="field">
              <label htmlFor={selectId}>Which location</label>
              <select id={selectId} {...form.register('locationId')}>
                <option value="">The whole clinic</option>
                {locations.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <TextAreaField
            label="What is wrong"
            hint="For example: the phone number has changed, or it no longer offers IV infusions."
            registration={form.register('what')}
            error={form.formState.errors.what}
          />
          <TextField
            label="How to reach you (optional)"
            hint="An email or phone number, if you are happy to be asked about it. Please do not include health information."
            registration={form.register('contact')}
            error={form.formState.errors.contact}
          />
          <button type="submit" disabled={form.formState.isSubmitting}>
            Send report
          </button>
        </form>
      )}
    </details>
  );
}
