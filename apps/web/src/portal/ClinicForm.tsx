import { ClinicInputSchema } from '@kapmap/validation';
import type { CombinedError } from '@urql/core';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { FormAlert, TextAreaField, TextField } from '../forms/Field.js';
import { schemaResolver, showServerError } from '../forms/resolver.js';

export interface ClinicValues {
  name: string;
  description: string;
  website: string;
  phone: string;
  email: string;
  licenseNumber: string;
  licenseState: string;
  medicalDirector: string;
  organizationNpi: string;
}

export const emptyClinic: ClinicValues = {
  name: '',
  description: '',
  website: '',
  phone: '',
  email: '',
  licenseNumber: '',
  licenseState: '',
  medicalDirector: '',
  organizationNpi: '',
};

/** A clinic's public profile, checked as you type with the API's own rules. */
export function ClinicForm({
  initial,
  submitLabel,
  onSave,
}: {
  initial: ClinicValues;
  submitLabel: string;
  /** Resolves with the API's error, or null when saved. */
  onSave: (input: ClinicValues) => Promise<CombinedError | null>;
}) {
  const [alert, setAlert] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<ClinicValues>({
    mode: 'onTouched',
    defaultValues: initial,
    resolver: schemaResolver(ClinicInputSchema),
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setAlert(null);
    setSaved(false);
    const error = await onSave(values);
    if (error) setAlert(showServerError(error, form.setError));
    else {
      form.reset(values);
      setSaved(true);
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="stack">
      <FormAlert message={alert} />
      <TextField
        label="Clinic name"
        registration={form.register('name')}
        error={errors.name}
        autoComplete="organization"
      />
      <TextAreaField
        label="Description"
        hint="What a patient or a referring physician should know first. Up to 2,000 characters."
        registration={form.register('description')}
        error={errors.description}
      />
      <TextField
        label="Website"
        type="url"
        placeholder="https://"
        registration={form.register('website')}
        error={errors.website}
      />
      <TextField
        label="Phone"
        type="tel"
        autoComplete="tel"
        hint="With its area code: (919) 555-0100."
        registration={form.register('phone')}
        error={errors.phone}
      />
      <TextField
        label="Email for inquiries"
        type="email"
        registration={form.register('email')}
        error={errors.email}
      />
      <fieldset>
        <legend>For verification</legend>
        <p className="hint">
          A kapmap admin checks these before the listing is published. Only your team and kapmap’s admins see
          them.
        </p>
        <div className="row">
          <TextField
            label="State license number"
            registration={form.register('licenseNumber')}
            error={errors.licenseNumber}
          />
          <TextField
            label="License state"
            hint="Two letters: NC."
            maxLength={2}
            registration={form.register('licenseState')}
            error={errors.licenseState}
          />
        </div>
        <TextField
          label="Medical director"
          hint="The physician who directs the clinic’s care."
          registration={form.register('medicalDirector')}
          error={errors.medicalDirector}
        />
        <TextField
          label="Organization NPI"
          hint="The clinic’s own (type 2) NPI, 10 digits."
          inputMode="numeric"
          maxLength={10}
          registration={form.register('organizationNpi')}
          error={errors.organizationNpi}
        />
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : submitLabel}
        </button>
        {saved && !isDirty && (
          <span role="status" className="saved">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

/** The API's input: empty fields are sent as absent. */
export function clinicInput(v: ClinicValues) {
  return {
    name: v.name.trim(),
    description: v.description.trim() || null,
    website: v.website.trim() || null,
    phone: v.phone.trim() || null,
    email: v.email.trim() || null,
    licenseNumber: v.licenseNumber.trim() || null,
    licenseState: v.licenseState.trim().toUpperCase() || null,
    medicalDirector: v.medicalDirector.trim() || null,
    organizationNpi: v.organizationNpi.trim() || null,
  };
}
