import {
  ReferralRequestSchema,
  SCREENING_ANSWERS,
  SCREENING_QUESTIONS,
  type ScreeningQuestion,
  URGENCIES,
} from '@kapmap/validation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { Viewer } from '../account/viewer.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading, NotFound } from '../components/Notices.js';
import { ChoiceGroup, FormAlert, TextAreaField, TextField } from '../forms/Field.js';
import { schemaResolver, showServerError } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { type FitField, type FitWarning, fitWarnings } from './fit.js';
import { ANSWER_LABEL, URGENCY_LABEL } from './labels.js';
import { REFERRAL_CONTEXT } from './queries.js';

const ReferralFormQuery = graphql(`
  query ReferralForm($id: ID!) {
    location(id: $id) {
      id name acceptingNewPatients isTelehealth typicalWaitDays
      address { line1 city state postalCode }
      clinic { id name }
      acceptedConditions { code name }
      offeredRoutes { route { code name } }
      acceptedInsurance { code name }
    }
    conditions { code name }
    routes { code name }
    insurancePayers { code name }
  }
`);

const SendReferral = graphql(`
  mutation SendReferral($input: SendReferralInput!) { sendReferral(input: $input) { id status } }
`);

type Answer = (typeof SCREENING_ANSWERS)[number];
interface Values {
  patient: {
    name: string;
    dateOfBirth: string;
    phone: string;
    email: string;
    homePostalCode: string;
    reason: string;
    clinicalNote: string;
    medications: string;
    screening: Record<ScreeningQuestion, Answer | ''>;
  };
  conditions: string[];
  route: string;
  insurance: string;
  urgency: 'ROUTINE' | 'SOON' | 'URGENT';
}

/** The insurance choice for a patient paying for themselves: sent as no insurance. */
const SELF_PAY = 'self_pay';

const toInput = (v: Values) => ({
  ...v,
  route: v.route || null,
  insurance: v.insurance && v.insurance !== SELF_PAY ? v.insurance : null,
});

/** The API's rules, and one of the form's own: insurance is chosen, never assumed. */
const baseResolver = schemaResolver(ReferralRequestSchema, toInput);
const resolver: typeof baseResolver = async (values, context, options) => {
  const result = await baseResolver(values, context, options);
  if (values.insurance !== '') return result;
  return {
    values: {},
    errors: {
      ...result.errors,
      insurance: { type: 'required', message: 'Choose the patient’s insurance, or Self-pay.' },
    },
  };
};

/** A warning beside the field it is about. */
function FieldWarning({ warnings, field }: { warnings: FitWarning[]; field: FitField }) {
  const mine = warnings.filter((w) => w.field === field);
  if (mine.length === 0) return null;
  return (
    <>
      {mine.map((w) => (
        <p key={w.message} className="field-warning">
          {w.message}
        </p>
      ))}
    </>
  );
}

/** The referral form: a verified provider refers one patient to one location. */
export function ReferralFormPage({ viewer }: { viewer: Viewer }) {
  const { locationId = '' } = useParams();
  const navigate = useNavigate();
  const [result, refetch] = useQuery({ query: ReferralFormQuery, variables: { id: locationId } });
  const [, send] = useMutation(SendReferral);
  const [alert, setAlert] = useState<string | null>(null);
  // One key per referral the provider means to send: a retry after a timeout reuses it, so the clinic
  // never gets the same patient twice.
  const idempotencyKey = useRef(crypto.randomUUID());
  const form = useForm<Values>({
    mode: 'onTouched',
    defaultValues: {
      patient: {
        name: '',
        dateOfBirth: '',
        phone: '',
        email: '',
        homePostalCode: '',
        reason: '',
        clinicalNote: '',
        medications: '',
        screening: Object.fromEntries(
          Object.keys(SCREENING_QUESTIONS).map((k) => [k, '']),
        ) as Values['patient']['screening'],
      },
      conditions: [],
      route: '',
      insurance: '',
      urgency: 'ROUTINE',
    },
    resolver,
  });
  const { errors, isSubmitting } = form.formState;
  const [conditions, route, insurance] = useWatch({
    control: form.control,
    name: ['conditions', 'route', 'insurance'],
  });
  const data = result.data;
  const warnings = useMemo(() => {
    if (!data?.location) return [];
    const names = {
      conditions: new Map(data.conditions.map((c) => [c.code, c.name])),
      routes: new Map(data.routes.map((r) => [r.code, r.name])),
      insurance: new Map(data.insurancePayers.map((p) => [p.code, p.name])),
    };
    return fitWarnings(
      data.location,
      { conditions, route: route || null, insurance: insurance && insurance !== SELF_PAY ? insurance : null },
      names,
    );
  }, [data, conditions, route, insurance]);

  useEffect(() => {
    document.title = data?.location
      ? `Refer a patient to ${data.location.clinic.name} · kapmap`
      : 'Refer a patient · kapmap';
  }, [data?.location]);

  if (result.fetching && !data) return <Loading />;
  if (result.error)
    return <ErrorNotice error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data?.location) return <NotFound />;
  const location = data.location;
  const back = `/clinics/${encodeURIComponent(location.clinic.id)}?location=${encodeURIComponent(location.id)}`;

  if (!viewer.providerProfile?.verified)
    return (
      <section className="account-page" aria-labelledby="refer-title">
        <h1 id="refer-title">Refer a patient to {location.clinic.name}</h1>
        {viewer.providerProfile ? (
          <p className="notice">
            Your NPI ({viewer.providerProfile.npi}) is waiting for a kapmap admin to verify it. You can send
            referrals once it is verified; we will email you.
          </p>
        ) : (
          <p className="notice">
            Referrals are for verified referring providers.{' '}
            <Link to={`/referrals/register?next=${encodeURIComponent(`/refer/${location.id}`)}`}>
              Register with your NPI
            </Link>{' '}
            first.
          </p>
        )}
        <p>
          <Link to={back}>Back to the clinic</Link>
        </p>
      </section>
    );

  const onSubmit = form.handleSubmit(async (values) => {
    setAlert(null);
    const v = toInput(values);
    const res = await send(
      {
        input: {
          locationId: location.id,
          idempotencyKey: idempotencyKey.current,
          urgency: v.urgency,
          conditions: v.conditions,
          route: v.route,
          insurance: v.insurance,
          patient: {
            ...v.patient,
            screening: v.patient.screening as Record<ScreeningQuestion, Answer>,
          },
        },
      },
      REFERRAL_CONTEXT,
    );
    if (res.error)
      setAlert(
        showServerError(res.error, form.setError, (p) =>
          p === 'locationId' || p === 'idempotencyKey' ? null : p,
        ),
      );
    else if (res.data)
      navigate(`/referrals/${encodeURIComponent(res.data.sendReferral.id)}`, { state: { sent: true } });
  });

  return (
    <section className="referral-form" aria-labelledby="refer-title">
      <h1 id="refer-title">Refer a patient</h1>
      <p>
        To <strong>{location.clinic.name}</strong>, {location.name}
        {location.address && (
          <>
            {' '}
            ({location.address.line1}, {location.address.city}, {location.address.state})
          </>
        )}
        . <Link to={back}>See the listing</Link>
      </p>
      <p className="hint">
        The patient’s details are encrypted, seen only by you and this clinic’s staff, and every reading of
        them is recorded.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <FormAlert message={alert} />
        <fieldset>
          <legend>Patient</legend>
          <TextField
            label="Full name"
            autoComplete="off"
            registration={form.register('patient.name')}
            error={errors.patient?.name}
          />
          <TextField
            label="Date of birth"
            type="date"
            registration={form.register('patient.dateOfBirth')}
            error={errors.patient?.dateOfBirth}
          />
          <TextField
            label="Phone"
            type="tel"
            autoComplete="off"
            hint="A phone number or an email, or both."
            registration={form.register('patient.phone')}
            error={errors.patient?.phone}
          />
          <TextField
            label="Email"
            type="email"
            autoComplete="off"
            registration={form.register('patient.email')}
            error={errors.patient?.email}
          />
          <TextField
            label="Home ZIP code"
            inputMode="numeric"
            maxLength={5}
            registration={form.register('patient.homePostalCode')}
            error={errors.patient?.homePostalCode}
          />
        </fieldset>
        <fieldset>
          <legend>What the referral is for</legend>
          <ChoiceGroup
            legend="Conditions"
            options={data.conditions.map((c) => ({ value: c.code, label: c.name }))}
            register={() => form.register('conditions')}
            error={errors.conditions}
          />
          <FieldWarning warnings={warnings} field="conditions" />
          <div className="field">
            <label htmlFor="route">Preferred route</label>
            <select id="route" {...form.register('route')}>
              <option value="">No preference</option>
              {data.routes.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name}
                </option>
              ))}
            </select>
            <FieldWarning warnings={warnings} field="route" />
          </div>
          <div className="field">
            <label htmlFor="insurance">Insurance</label>
            <select
              id="insurance"
              aria-invalid={errors.insurance ? true : undefined}
              aria-describedby={errors.insurance ? 'insurance-error' : undefined}
              {...form.register('insurance')}
            >
              <option value="">Choose…</option>
              <option value={SELF_PAY}>Self-pay (no insurance)</option>
              {data.insurancePayers
                .filter((p) => p.code !== SELF_PAY)
                .map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name}
                  </option>
                ))}
            </select>
            {errors.insurance && (
              <p id="insurance-error" className="field-error">
                {errors.insurance.message}
              </p>
            )}
            <FieldWarning warnings={warnings} field="insurance" />
          </div>
          <ChoiceGroup
            legend="Urgency"
            type="radio"
            options={URGENCIES.map((u) => ({ value: u, label: URGENCY_LABEL[u] }))}
            register={() => form.register('urgency')}
            error={errors.urgency}
          />
          <TextField
            label="Reason for referral"
            registration={form.register('patient.reason')}
            error={errors.patient?.reason}
          />
          <TextAreaField
            label="Clinical note"
            hint="History, scores (PHQ-9, GAD-7), what has been tried."
            registration={form.register('patient.clinicalNote')}
            error={errors.patient?.clinicalNote}
          />
          <TextAreaField
            label="Current medications"
            rows={3}
            registration={form.register('patient.medications')}
            error={errors.patient?.medications}
          />
        </fieldset>
        <fieldset>
          <legend>Safety screening</legend>
          <p className="hint">KAP clinics ask these before a first dose.</p>
          {(Object.entries(SCREENING_QUESTIONS) as [ScreeningQuestion, string][]).map(([key, question]) => (
            <ChoiceGroup
              key={key}
              legend={question}
              type="radio"
              className="screening"
              options={SCREENING_ANSWERS.map((a) => ({ value: a, label: ANSWER_LABEL[a] }))}
              register={() => form.register(`patient.screening.${key}`)}
              error={errors.patient?.screening?.[key]}
            />
          ))}
        </fieldset>
        {warnings.length > 0 && (
          <div className="notice warn" role="status" aria-live="polite">
            <p>
              <strong>Check the fit before sending:</strong>
            </p>
            <ul>
              {warnings.map((w) => (
                <li key={w.message}>{w.message}</li>
              ))}
            </ul>
            <p>You can still send it: the clinic decides, and sees these too.</p>
          </div>
        )}
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? 'Sending…' : 'Send referral'}
        </button>
      </form>
    </section>
  );
}
