import { closingNoteField, referralMessageField } from '@kapmap/validation';
import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useLocation, useParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { z } from 'zod';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading, NotFound } from '../components/Notices.js';
import { FormAlert, TextAreaField, TextField } from '../forms/Field.js';
import { schemaResolver, serverProblem, showServerError } from '../forms/resolver.js';
import { graphql, type ResultOf, readFragment } from '../graphql/index.js';
import { formatDate, formatDateTime, formatPhone } from '../search/format.js';
import { fitWarnings } from './fit.js';
import {
  ANSWER_LABEL,
  DECLINE_LABEL,
  SCREENING_QUESTIONS,
  STATUS_HINT,
  STATUS_LABEL,
  StatusBadge,
  URGENCY_LABEL,
} from './labels.js';
import { REFERRAL_CONTEXT, ReferralDetails } from './queries.js';

const ReferralQuery = graphql(
  `
  query Referral($id: ID!) { referral(id: $id) { ...ReferralDetails } }
`,
  [ReferralDetails],
);

const AccessLogQuery = graphql(`
  query ReferralAccessLog($id: ID!) { referral(id: $id) { id accessLog { at fields actorName } } }
`);

const SupportQuery = graphql(`
  query ReferralForSupport($id: ID!) {
    referralForSupport(id: $id) {
      id status createdAt updatedAt scheduledFor
      clinic { id name }
      location { id name }
      events { status at actorName }
      accessLog { at fields actorName }
    }
  }
`);

const FhirQuery = graphql(`
  query ReferralFhir($id: ID!) { referral(id: $id) { id fhir } }
`);

const Accept = graphql(
  `mutation AcceptReferral($id: ID!) { acceptReferral(id: $id) { ...ReferralDetails } }`,
  [ReferralDetails],
);
const Complete = graphql(
  `mutation CompleteReferral($id: ID!) { completeReferral(id: $id) { ...ReferralDetails } }`,
  [ReferralDetails],
);
const Schedule = graphql(
  `mutation ScheduleReferral($id: ID!, $at: DateTime!) { scheduleReferral(id: $id, at: $at) { ...ReferralDetails } }`,
  [ReferralDetails],
);
const Decline = graphql(
  `mutation DeclineReferral($id: ID!, $reason: ReferralDeclineReason!, $note: String) {
    declineReferral(id: $id, reason: $reason, note: $note) { ...ReferralDetails }
  }`,
  [ReferralDetails],
);
const Cancel = graphql(
  `mutation CancelReferral($id: ID!, $note: String) { cancelReferral(id: $id, note: $note) { ...ReferralDetails } }`,
  [ReferralDetails],
);
const SendMessage = graphql(
  `mutation SendReferralMessage($id: ID!, $body: String!) {
    sendReferralMessage(referralId: $id, body: $body) { ...ReferralDetails }
  }`,
  [ReferralDetails],
);

type Details = ResultOf<typeof ReferralDetails>;

/** A referral: who, what for, where it stands, what can be done now, and the notes between the two sides. */
export function ReferralPage({ isPlatformAdmin = false }: { isPlatformAdmin?: boolean }) {
  const { id = '' } = useParams();
  const location = useLocation();
  const justSent = (location.state as { sent?: boolean } | null)?.sent === true;
  const [result, refetch] = useQuery({
    query: ReferralQuery,
    variables: { id },
    requestPolicy: 'cache-and-network',
    context: REFERRAL_CONTEXT,
  });
  const masked = result.data?.referral;
  const r = masked ? readFragment(ReferralDetails, masked) : null;
  const row = r;
  useEffect(() => {
    document.title = 'Referral · kapmap';
  }, []);
  if (result.fetching && !result.data) return <Loading what="Loading the referral…" />;
  if (result.error && !result.data)
    return <ErrorNotice error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!r || !row) return isPlatformAdmin ? <SupportView id={id} /> : <NotFound />;
  const isSender = r.viewerSides.includes('SENDER');
  const isClinic = r.viewerSides.includes('CLINIC');
  return (
    <article className="referral-page" aria-labelledby="referral-title">
      <p>
        {isClinic ? (
          <Link to={`/portal/clinics/${encodeURIComponent(row.clinic.id)}/referrals`}>
            ← Referrals to {row.clinic.name}
          </Link>
        ) : (
          <Link to="/referrals">← My referrals</Link>
        )}
      </p>
      {justSent && (
        <p className="notice ok" role="status">
          Referral sent. {row.clinic.name} has been told; you will be emailed at each step.
        </p>
      )}
      <header className="referral-head">
        <h1 id="referral-title">{row.patient.name}</h1>
        <StatusBadge status={row.status} />
      </header>
      <p className="lead">
        {STATUS_HINT[row.status]}
        {row.scheduledFor && <> First appointment: {formatDateTime(row.scheduledFor)}.</>}
        {r.declineReason && <> Reason: {DECLINE_LABEL[r.declineReason]}.</>}
        {r.closingNote && <> “{r.closingNote}”</>}
      </p>
      <p>
        To <strong>{row.clinic.name}</strong>, {row.location.name} · {URGENCY_LABEL[row.urgency]} · sent{' '}
        {formatDateTime(row.createdAt)}
        {r.sender && (
          <>
            {' '}
            by {r.sender.name} ({r.sender.practice}, NPI {r.sender.npi}) ·{' '}
            <a href={`mailto:${r.senderEmail}`}>{r.senderEmail}</a>
          </>
        )}
      </p>
      <div className="referral-columns">
        <div>
          <Actions referral={r} refresh={() => refetch({ requestPolicy: 'network-only' })} />
          <FitNotice r={r} />
          <PatientSection r={r} />
        </div>
        <div>
          <Timeline r={r} />
          <Messages r={r} isSender={isSender} />
          <Records id={r.id} />
        </div>
      </div>
    </article>
  );
}

/**
 * Where the referral does not fit the location's listing, for both sides: the same warnings the sender saw
 * beside the fields when sending, against the listing as it is now.
 */
function FitNotice({ r }: { r: Details }) {
  const names = {
    conditions: new Map(r.conditions.map((c) => [c.code, c.name])),
    routes: new Map(r.route ? [[r.route.code, r.route.name]] : []),
    insurance: new Map(r.insurance ? [[r.insurance.code, r.insurance.name]] : []),
  };
  const warnings = fitWarnings(
    r.location,
    {
      conditions: r.conditions.map((c) => c.code),
      route: r.route?.code ?? null,
      insurance: r.insurance?.code ?? null,
    },
    names,
  );
  if (warnings.length === 0) return null;
  return (
    <div className="notice warn" role="note" aria-labelledby="fit-title">
      <p id="fit-title">
        <strong>Where this referral does not fit the listing</strong>
      </p>
      <ul>
        {warnings.map((w) => (
          <li key={w.message}>{w.message}</li>
        ))}
      </ul>
    </div>
  );
}

function PatientSection({ r }: { r: Details }) {
  const p = r.patient;
  return (
    <section aria-labelledby="patient-title" className="card">
      <h2 id="patient-title">Patient</h2>
      <dl className="details">
        <dt>Date of birth</dt>
        <dd>{formatDate(p.dateOfBirth) ?? p.dateOfBirth}</dd>
        <dt>Contact</dt>
        <dd>
          {p.phone && <a href={`tel:${p.phone.replace(/[^\d+]/g, '')}`}>{formatPhone(p.phone)}</a>}
          {p.phone && p.email && ' · '}
          {p.email && <a href={`mailto:${p.email}`}>{p.email}</a>}
        </dd>
        <dt>Home ZIP</dt>
        <dd>{p.homePostalCode}</dd>
        <dt>Conditions</dt>
        <dd>{r.conditions.map((c) => c.name).join(', ')}</dd>
        <dt>Preferred route</dt>
        <dd>{r.route?.name ?? 'No preference'}</dd>
        <dt>Insurance</dt>
        <dd>{r.insurance?.name ?? 'Self-pay'}</dd>
        <dt>Reason</dt>
        <dd>{p.reason}</dd>
        <dt>Clinical note</dt>
        <dd className="prewrap">{p.clinicalNote ?? 'None'}</dd>
        <dt>Current medications</dt>
        <dd className="prewrap">{p.medications ?? 'None listed'}</dd>
      </dl>
      <h3>Safety screening</h3>
      <dl className="details screening-answers">
        {(Object.entries(SCREENING_QUESTIONS) as [keyof typeof SCREENING_QUESTIONS, string][]).map(
          ([key, q]) => (
            <div key={key} className={p.screening[key] === 'YES' ? 'flag' : undefined}>
              <dt>{q}</dt>
              <dd>{ANSWER_LABEL[p.screening[key]]}</dd>
            </div>
          ),
        )}
      </dl>
    </section>
  );
}

function Timeline({ r }: { r: Pick<Details, 'events'> }) {
  return (
    <section aria-labelledby="timeline-title" className="card">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="timeline">
        {r.events.map((e) => (
          <li key={`${e.status}-${e.at}`}>
            <strong>{STATUS_LABEL[e.status]}</strong> <time dateTime={e.at}>{formatDateTime(e.at)}</time>
            {e.actorName && <span className="muted"> · {e.actorName}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * Somebody else moved the referral first (CONFLICT): show its new state, beside the message saying so.
 */
function refreshOnConflict(error: CombinedError | undefined, refresh: () => void) {
  if (error && serverProblem(error).code === 'CONFLICT') refresh();
}

/** The steps the signed-in user may take now, and nothing else. */
function Actions({ referral: r, refresh }: { referral: Details; refresh: () => void }) {
  const [alert, setAlert] = useState<string | null>(null);
  const [accept, runAccept] = useMutation(Accept);
  const [complete, runComplete] = useMutation(Complete);
  const busy = accept.fetching || complete.fetching;
  const run = async (promise: Promise<{ error?: CombinedError | undefined }>) => {
    setAlert(null);
    const res = await promise;
    if (res.error) setAlert(serverProblem(res.error).message);
    refreshOnConflict(res.error, refresh);
  };
  const allowed = new Set(r.allowedActions);
  if (allowed.size === 0) return null;
  return (
    <section aria-labelledby="actions-title" className="card">
      <h2 id="actions-title">What you can do now</h2>
      <FormAlert message={alert} />
      <div className="actions-row">
        {allowed.has('ACCEPT') && (
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => run(runAccept({ id: r.id }, REFERRAL_CONTEXT))}
          >
            Accept referral
          </button>
        )}
        {allowed.has('COMPLETE') && (
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => run(runComplete({ id: r.id }, REFERRAL_CONTEXT))}
          >
            Mark completed
          </button>
        )}
      </div>
      {allowed.has('SCHEDULE') && <ScheduleForm id={r.id} refresh={refresh} />}
      {allowed.has('DECLINE') && <DeclineForm id={r.id} refresh={refresh} />}
      {allowed.has('CANCEL') && <CancelForm id={r.id} refresh={refresh} />}
    </section>
  );
}

const ScheduleSchema = z.object({
  at: z
    .string()
    .min(1, 'Choose the date and time of the first appointment.')
    .refine(
      (v) => !Number.isNaN(new Date(v).getTime()),
      'Choose the date and time of the first appointment.',
    ),
});

function ScheduleForm({ id, refresh }: { id: string; refresh: () => void }) {
  const [, schedule] = useMutation(Schedule);
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<{ at: string }>({
    mode: 'onTouched',
    defaultValues: { at: '' },
    resolver: schemaResolver(ScheduleSchema),
  });
  const submit = form.handleSubmit(async ({ at }) => {
    setAlert(null);
    // datetime-local is the clinic's local time; the API takes an instant.
    const res = await schedule({ id, at: new Date(at).toISOString() }, REFERRAL_CONTEXT);
    if (res.error) setAlert(showServerError(res.error, form.setError));
    refreshOnConflict(res.error, refresh);
  });
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <FormAlert message={alert} />
      <TextField
        label="First appointment"
        type="datetime-local"
        hint="In your local time."
        registration={form.register('at')}
        error={form.formState.errors.at}
      />
      <button type="submit" disabled={form.formState.isSubmitting}>
        Schedule
      </button>
    </form>
  );
}

const DeclineSchema = z
  .object({ reason: z.string().min(1, 'Choose why the clinic is declining.'), note: closingNoteField })
  .refine((v) => v.reason !== 'OTHER' || !!v.note, {
    path: ['note'],
    message: 'Say in the note why the clinic is declining.',
  });

function DeclineForm({ id, refresh }: { id: string; refresh: () => void }) {
  const [open, setOpen] = useState(false);
  const [, decline] = useMutation(Decline);
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<{ reason: string; note: string }>({
    mode: 'onTouched',
    defaultValues: { reason: '', note: '' },
    resolver: schemaResolver(DeclineSchema),
  });
  if (!open)
    return (
      <button type="button" className="danger-link link" onClick={() => setOpen(true)}>
        Decline referral…
      </button>
    );
  const submit = form.handleSubmit(async ({ reason, note }) => {
    setAlert(null);
    const res = await decline(
      { id, reason: reason as keyof typeof DECLINE_LABEL, note: note || null },
      REFERRAL_CONTEXT,
    );
    if (res.error) setAlert(showServerError(res.error, form.setError));
    refreshOnConflict(res.error, refresh);
  });
  const reasonError = form.formState.errors.reason;
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <FormAlert message={alert} />
      <div className={`field${reasonError ? ' invalid' : ''}`}>
        <label htmlFor="decline-reason">Why the clinic is declining</label>
        <select
          id="decline-reason"
          aria-invalid={reasonError ? true : undefined}
          {...form.register('reason')}
        >
          <option value="">Choose a reason</option>
          {(Object.keys(DECLINE_LABEL) as (keyof typeof DECLINE_LABEL)[]).map((k) => (
            <option key={k} value={k}>
              {DECLINE_LABEL[k]}
            </option>
          ))}
        </select>
        {reasonError?.message && <span className="field-error">{reasonError.message}</span>}
      </div>
      <TextAreaField
        label="Note for the referring provider"
        rows={3}
        registration={form.register('note')}
        error={form.formState.errors.note}
      />
      <button type="submit" className="danger" disabled={form.formState.isSubmitting}>
        Decline
      </button>
    </form>
  );
}

function CancelForm({ id, refresh }: { id: string; refresh: () => void }) {
  const [open, setOpen] = useState(false);
  const [, cancel] = useMutation(Cancel);
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<{ note: string }>({
    mode: 'onTouched',
    defaultValues: { note: '' },
    resolver: schemaResolver(z.object({ note: closingNoteField })),
  });
  if (!open)
    return (
      <button type="button" className="danger-link link" onClick={() => setOpen(true)}>
        Cancel this referral…
      </button>
    );
  const submit = form.handleSubmit(async ({ note }) => {
    setAlert(null);
    const res = await cancel({ id, note: note || null }, REFERRAL_CONTEXT);
    if (res.error) setAlert(showServerError(res.error, form.setError));
    refreshOnConflict(res.error, refresh);
  });
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <FormAlert message={alert} />
      <TextAreaField
        label="Why (optional; the clinic sees it)"
        rows={2}
        registration={form.register('note')}
        error={form.formState.errors.note}
      />
      <button type="submit" className="danger" disabled={form.formState.isSubmitting}>
        Cancel referral
      </button>
    </form>
  );
}

const MessageSchema = z.object({ body: referralMessageField });

function Messages({ r, isSender }: { r: Details; isSender: boolean }) {
  const [, send] = useMutation(SendMessage);
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<{ body: string }>({
    mode: 'onSubmit',
    defaultValues: { body: '' },
    resolver: schemaResolver(MessageSchema),
  });
  const submit = form.handleSubmit(async ({ body }) => {
    setAlert(null);
    const res = await send({ id: r.id, body }, REFERRAL_CONTEXT);
    if (res.error) setAlert(showServerError(res.error, form.setError));
    else form.reset();
  });
  const mine = isSender ? 'SENDER' : 'CLINIC';
  return (
    <section aria-labelledby="messages-title" className="card">
      <h2 id="messages-title">Messages</h2>
      {r.messages.length === 0 ? (
        <p className="empty">
          No messages yet. Ask or answer here, for example “Please send the last PHQ-9”.
        </p>
      ) : (
        <ol className="messages">
          {r.messages.map((m) => (
            <li key={m.id} className={m.side === mine ? 'mine' : 'theirs'}>
              <p className="prewrap">{m.body}</p>
              <p className="muted">
                {m.authorName ?? 'A former user'} · <time dateTime={m.at}>{formatDateTime(m.at)}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={submit} noValidate>
        <FormAlert message={alert} />
        <TextAreaField
          label="New message"
          rows={2}
          hint="The other side is emailed that there is a message; the email does not include it."
          registration={form.register('body')}
          error={form.formState.errors.body}
        />
        <button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? 'Sending…' : 'Send message'}
        </button>
      </form>
    </section>
  );
}

/** The FHIR export and who has read the referral: both read on demand, and each read is itself logged. */
function Records({ id }: { id: string }) {
  const client = useClient();
  const [showLog, setShowLog] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [log] = useQuery({
    query: AccessLogQuery,
    variables: { id },
    pause: !showLog,
    requestPolicy: 'network-only',
  });
  const download = async () => {
    setExporting(true);
    setError(null);
    const res = await client.query(FhirQuery, { id }, { requestPolicy: 'network-only' }).toPromise();
    setExporting(false);
    const fhir = res.data?.referral?.fhir;
    if (!fhir) {
      setError(res.error ? serverProblem(res.error).message : 'The export could not be made. Try again.');
      return;
    }
    const url = URL.createObjectURL(new Blob([fhir], { type: 'application/fhir+json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'referral.fhir.json';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section aria-labelledby="records-title" className="card">
      <h2 id="records-title">Records</h2>
      <FormAlert message={error} />
      <p>
        <button type="button" onClick={download} disabled={exporting}>
          {exporting ? 'Preparing…' : 'Download for your EHR (FHIR R4 JSON)'}
        </button>
      </p>
      <button type="button" className="link" aria-expanded={showLog} onClick={() => setShowLog((v) => !v)}>
        {showLog ? 'Hide who has read this referral' : 'Who has read this referral?'}
      </button>
      {showLog &&
        (log.fetching && !log.data ? (
          <Loading what="Loading the record of reads…" />
        ) : (
          <ul className="access-log">
            {log.data?.referral?.accessLog.map((a) => (
              <li key={`${a.at}-${a.fields.join()}`}>
                <time dateTime={a.at}>{formatDateTime(a.at)}</time> · {a.actorName ?? 'A former user'} ·{' '}
                {a.fields.join(', ')}
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}

/**
 * What a platform admin sees of a referral they are not a party to, for support: where it stands, the clinic
 * and the dates, who has read it; never the patient.
 */
function SupportView({ id }: { id: string }) {
  const [result] = useQuery({ query: SupportQuery, variables: { id }, requestPolicy: 'network-only' });
  if (result.fetching && !result.data) return <Loading />;
  if (result.error) return <ErrorNotice error={result.error} />;
  const r = result.data?.referralForSupport;
  if (!r) return <NotFound />;
  return (
    <article className="referral-page" aria-labelledby="support-title">
      <header className="referral-head">
        <h1 id="support-title">Referral to {r.clinic.name}</h1>
        <StatusBadge status={r.status} />
      </header>
      <p className="notice">
        You see this referral as a platform admin, for support: its status, clinic and dates. Its patient and
        messages are for the sender and the clinic only.
      </p>
      <p>
        {r.location.name} · sent {formatDateTime(r.createdAt)} · last change {formatDateTime(r.updatedAt)}
        {r.scheduledFor && <> · first appointment {formatDateTime(r.scheduledFor)}</>}
      </p>
      <div className="referral-columns">
        <Timeline r={r} />
        <section aria-labelledby="reads-title" className="card">
          <h2 id="reads-title">Who has read it</h2>
          <ul className="access-log">
            {r.accessLog.map((a) => (
              <li key={`${a.at}-${a.fields.join()}`}>
                <time dateTime={a.at}>{formatDateTime(a.at)}</time> · {a.actorName ?? 'A former user'} ·{' '}
                {a.fields.join(', ')}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </article>
  );
}
