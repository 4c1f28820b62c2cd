import { emailField } from '@kapmap/validation';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { z } from 'zod';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading } from '../components/Notices.js';
import { FormAlert, TextField } from '../forms/Field.js';
import { schemaResolver, serverProblem, showServerError } from '../forms/resolver.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { formatDate, formatDateTime } from '../search/format.js';
import { ClinicForm, clinicInput } from './ClinicForm.js';
import { ReportItem } from './ReportItem.js';
import { StatusBadge } from './status.js';

export const ClinicPortalQuery = graphql(`
  query ClinicPortal($id: ID!) {
    clinic(id: $id) {
      id name description website phone email
      licenseNumber licenseState medicalDirector organizationNpi
      viewerRole verification published rejectionReason verified
      lastConfirmedAt notRecentlyConfirmed
      locations { id name isTelehealth servesStates acceptingNewPatients closedAt address { line1 city state postalCode } }
      members { role since user { id displayName email } }
      pendingInvitations { id email role expiresAt }
      reports(open: true) { id what contact createdAt location { name } }
      changes(first: 50) { id action actorName at locationId changes { field oldValue newValue } }
    }
  }
`);

type PortalClinic = NonNullable<ResultOf<typeof ClinicPortalQuery>['clinic']>;

const UpdateClinic = graphql(`
  mutation UpdateClinic($id: ID!, $input: ClinicInput!) { updateClinic(id: $id, input: $input) { id } }
`);
const ConfirmListing = graphql(`
  mutation ConfirmListing($clinicId: ID!) { confirmListing(clinicId: $clinicId) { id lastConfirmedAt notRecentlyConfirmed } }
`);
const DeleteLocation = graphql(`
  mutation DeleteLocation($id: ID!) { deleteLocation(id: $id) }
`);
const Invite = graphql(`
  mutation InviteClinicMember($clinicId: ID!, $email: String!, $role: ClinicRole!) {
    inviteClinicMember(clinicId: $clinicId, email: $email, role: $role) { id }
  }
`);
const CloseLocation = graphql(`
  mutation CloseLocation($id: ID!) { closeLocation(id: $id) { id closedAt } }
`);
const ReopenLocation = graphql(`
  mutation ReopenLocation($id: ID!) { reopenLocation(id: $id) { id closedAt } }
`);

const RemoveMember = graphql(`
  mutation RemoveClinicMember($clinicId: ID!, $userId: ID!) { removeClinicMember(clinicId: $clinicId, userId: $userId) }
`);

const ACTIONS: Record<string, string> = {
  'clinic.create': 'Clinic added',
  'clinic.update': 'Profile edited',
  'clinic.confirm': 'Confirmed unchanged',
  'clinic.verify': 'Verified by kapmap',
  'clinic.reject': 'Not accepted by kapmap',
  'clinic.unpublish': 'Unpublished by kapmap',
  'location.create': 'Location added',
  'location.update': 'Location edited',
  'location.delete': 'Location removed',
};

/** What the clinic's team sees first: where the listing stands, and what to do about it. */
function Status({
  clinic,
  onConfirm,
  confirming,
}: {
  clinic: PortalClinic;
  onConfirm: () => void;
  confirming: boolean;
}) {
  const confirmed = formatDate(clinic.lastConfirmedAt);
  return (
    <section aria-labelledby="status-title" className="card">
      <h2 id="status-title">
        Listing status <StatusBadge verification={clinic.verification} published={clinic.published} />
      </h2>
      {clinic.verification === 'PENDING' && (
        <p>
          kapmap is checking that the clinic exists and is licensed. Until then only your team can see it.
        </p>
      )}
      {clinic.verification === 'REJECTED' && (
        <div className="notice error">
          <p>
            kapmap did not accept this listing: <strong>{clinic.rejectionReason}</strong>
          </p>
          <p>Fix what it says and save the profile: the listing goes back for review.</p>
        </div>
      )}
      {clinic.verification === 'VERIFIED' && !clinic.published && (
        <div className="notice warn">
          <p>
            kapmap took this listing out of public view
            {clinic.rejectionReason ? (
              <>
                : <strong>{clinic.rejectionReason}</strong>
              </>
            ) : (
              '.'
            )}
          </p>
        </div>
      )}
      {clinic.notRecentlyConfirmed ? (
        <div className="notice warn" role="note">
          <p>
            <strong>Is your listing still true?</strong> It was last confirmed {confirmed ?? 'never'}.
            Listings not confirmed for 90 days are shown to the public as “not recently confirmed”. Check it,
            edit what has changed, or confirm that nothing has.
          </p>
        </div>
      ) : (
        <p>Last confirmed {confirmed}.</p>
      )}
      <div className="actions">
        {/* A clinic with no locations has nothing to confirm yet: adding one comes first. */}
        {clinic.locations.length > 0 && (
          <button
            type="button"
            className={clinic.notRecentlyConfirmed ? 'primary' : ''}
            onClick={onConfirm}
            disabled={confirming}
          >
            {confirming ? 'Confirming…' : 'Nothing has changed: confirm the listing'}
          </button>
        )}
        <Link to={`/clinics/${clinic.id}`} className="button">
          Preview as the public sees it
        </Link>
      </div>
    </section>
  );
}

const InviteSchema = z.object({ email: emailField, role: z.enum(['STAFF', 'ADMIN']) });

function Team({ clinic, isAdmin, refresh }: { clinic: PortalClinic; isAdmin: boolean; refresh: () => void }) {
  const [, invite] = useMutation(Invite);
  const [, remove] = useMutation(RemoveMember);
  const [alert, setAlert] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const form = useForm<{ email: string; role: 'STAFF' | 'ADMIN' }>({
    mode: 'onTouched',
    defaultValues: { email: '', role: 'STAFF' },
    resolver: schemaResolver(InviteSchema),
  });
  const onInvite = form.handleSubmit(async ({ email, role }) => {
    setAlert(null);
    setSent(null);
    const res = await invite({ clinicId: clinic.id, email: email.trim(), role });
    if (res.error) setAlert(showServerError(res.error, form.setError));
    else {
      setSent(email.trim());
      form.reset();
      refresh();
    }
  });
  async function removeMember(userId: string, name: string) {
    if (!window.confirm(`Remove ${name} from ${clinic.name}’s team?`)) return;
    const res = await remove({ clinicId: clinic.id, userId });
    if (res.error) setAlert(serverProblem(res.error).message);
    refresh();
  }
  return (
    <section aria-labelledby="team-title" className="card">
      <h2 id="team-title">Team</h2>
      <FormAlert message={alert} />
      <ul className="plain">
        {(clinic.members ?? []).map((m) => (
          <li key={m.user.id}>
            {m.user.displayName} <span className="muted">({m.user.email})</span> ·{' '}
            {m.role === 'ADMIN' ? 'Admin' : 'Staff'}
            {isAdmin && (
              <>
                {' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => removeMember(m.user.id, m.user.displayName)}
                >
                  Remove<span className="visually-hidden"> {m.user.displayName}</span>
                </button>
              </>
            )}
          </li>
        ))}
        {(clinic.pendingInvitations ?? []).map((i) => (
          <li key={i.id} className="muted">
            {i.email} · invited as {i.role === 'ADMIN' ? 'admin' : 'staff'}, until {formatDate(i.expiresAt)}
          </li>
        ))}
      </ul>
      {isAdmin && (
        <form onSubmit={onInvite} noValidate className="inline-form">
          <TextField
            label="Invite by email"
            type="email"
            registration={form.register('email')}
            error={form.formState.errors.email}
          />
          <div className="field">
            <label htmlFor="invite-role">As</label>
            <select id="invite-role" {...form.register('role')}>
              <option value="STAFF">Staff: confirm the listing, see referrals</option>
              <option value="ADMIN">Admin: also edit the listing and the team</option>
            </select>
          </div>
          <button type="submit" disabled={form.formState.isSubmitting}>
            Send invitation
          </button>
          {sent && (
            <p role="status" className="saved">
              Invitation sent to {sent}. The link works once, for 7 days.
            </p>
          )}
        </form>
      )}
    </section>
  );
}

function History({ clinic }: { clinic: PortalClinic }) {
  const names = new Map(clinic.locations.map((l) => [l.id, l.name]));
  return (
    <section aria-labelledby="history-title" className="card">
      <h2 id="history-title">History</h2>
      {(clinic.changes ?? []).length === 0 ? (
        <p>No changes yet.</p>
      ) : (
        <ol className="history">
          {(clinic.changes ?? []).map((c) => (
            <li key={c.id}>
              <p>
                <strong>{ACTIONS[c.action] ?? c.action}</strong>
                {c.locationId && names.get(c.locationId) && <> · {names.get(c.locationId)}</>} ·{' '}
                {c.actorName ?? 'a deleted account'} · <time dateTime={c.at}>{formatDateTime(c.at)}</time>
              </p>
              {c.changes.length > 0 && (
                <details>
                  <summary>
                    {c.changes.length} field{c.changes.length === 1 ? '' : 's'}:{' '}
                    {c.changes.map((f) => f.field).join(', ')}
                  </summary>
                  <table className="changes">
                    <thead>
                      <tr>
                        <th scope="col">Field</th>
                        <th scope="col">Before</th>
                        <th scope="col">After</th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.changes.map((f) => (
                        <tr key={f.field}>
                          <th scope="row">{f.field}</th>
                          <td>{f.oldValue ?? '—'}</td>
                          <td>{f.newValue ?? '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** One clinic's portal: status and freshness, profile, locations, team, reports and history. */
export function ClinicPortalPage() {
  const { id = '' } = useParams();
  const [result, reexecute] = useQuery({
    query: ClinicPortalQuery,
    variables: { id },
    // A team's own page is always fresh: what a mutation changed may not be in the cached answer.
    requestPolicy: 'cache-and-network',
  });
  const [confirmState, confirm] = useMutation(ConfirmListing);
  const [, updateClinic] = useMutation(UpdateClinic);
  const [, deleteLocation] = useMutation(DeleteLocation);
  const [, closeLocation] = useMutation(CloseLocation);
  const [, reopenLocation] = useMutation(ReopenLocation);
  const [alert, setAlert] = useState<string | null>(null);
  /** A refusal about one location, shown beside it, where the person clicked. */
  const [locationProblem, setLocationProblem] = useState<{ id: string; message: string } | null>(null);
  const clinic = result.data?.clinic;
  const refresh = () => reexecute({ requestPolicy: 'network-only' });

  useEffect(() => {
    document.title = clinic ? `${clinic.name} · Your clinics · kapmap` : 'Your clinic · kapmap';
  }, [clinic]);

  if (result.fetching && !result.data) return <Loading what="Loading your clinic…" />;
  if (result.error) return <ErrorNotice error={result.error} onRetry={refresh} />;
  if (!clinic?.viewerRole)
    return (
      <div className="notice empty">
        <h1>This clinic is not one of yours</h1>
        <p>
          <Link to="/portal">Your clinics</Link>
        </p>
      </div>
    );
  const isAdmin = clinic.viewerRole === 'ADMIN';

  async function removeLocation(locationId: string, name: string) {
    if (!window.confirm(`Remove ${name} from the listing? Patients will no longer find it.`)) return;
    const res = await deleteLocation({ id: locationId });
    setLocationProblem(res.error ? { id: locationId, message: serverProblem(res.error).message } : null);
    refresh();
  }

  async function setClosed(locationId: string, name: string, close: boolean) {
    if (
      close &&
      !window.confirm(
        `Close ${name}? It leaves search and the map at once. Its referrals stay, and you can reopen it.`,
      )
    )
      return;
    const res = close ? await closeLocation({ id: locationId }) : await reopenLocation({ id: locationId });
    setLocationProblem(res.error ? { id: locationId, message: serverProblem(res.error).message } : null);
    refresh();
  }

  return (
    <article className="portal" aria-labelledby="clinic-title">
      <p className="back">
        <Link to="/portal">← Your clinics</Link>
      </p>
      <h1 id="clinic-title">{clinic.name}</h1>
      <p>
        <Link className="button primary" to={`/portal/clinics/${encodeURIComponent(clinic.id)}/referrals`}>
          Referral inbox
        </Link>
      </p>
      <FormAlert message={alert} />
      <Status
        clinic={clinic}
        confirming={confirmState.fetching}
        onConfirm={async () => {
          const res = await confirm({ clinicId: clinic.id });
          setAlert(res.error ? serverProblem(res.error).message : null);
          refresh();
        }}
      />
      {(clinic.reports ?? []).length > 0 && (
        <section aria-labelledby="reports-title" className="card">
          <h2 id="reports-title">Reported as wrong ({clinic.reports?.length})</h2>
          <ul className="plain">
            {(clinic.reports ?? []).map((r) => (
              <ReportItem key={r.id} report={r} refresh={refresh} />
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="profile-title" className="card">
        <h2 id="profile-title">Profile</h2>
        {isAdmin ? (
          <ClinicForm
            key={clinic.id}
            initial={{
              name: clinic.name,
              description: clinic.description ?? '',
              website: clinic.website ?? '',
              phone: clinic.phone ?? '',
              email: clinic.email ?? '',
              licenseNumber: clinic.licenseNumber ?? '',
              licenseState: clinic.licenseState ?? '',
              medicalDirector: clinic.medicalDirector ?? '',
              organizationNpi: clinic.organizationNpi ?? '',
            }}
            submitLabel="Save profile"
            onSave={async (values) => {
              const res = await updateClinic({ id: clinic.id, input: clinicInput(values) });
              if (!res.error) refresh();
              return res.error ?? null;
            }}
          />
        ) : (
          <p>Only the clinic’s admins can edit its profile and locations.</p>
        )}
      </section>
      <section aria-labelledby="locations-title" className="card">
        <h2 id="locations-title">Locations</h2>
        {clinic.locations.length === 0 ? (
          <p>No locations yet: patients find a clinic by where it is. Add at least one.</p>
        ) : (
          <ul className="plain">
            {clinic.locations.map((l) => (
              <li key={l.id}>
                <strong>{l.name}</strong>{' '}
                <span className="muted">
                  {l.address
                    ? `${l.address.line1}, ${l.address.city}, ${l.address.state} ${l.address.postalCode}`
                    : `Telehealth: ${l.servesStates.join(', ')}`}
                  {!l.acceptingNewPatients && ' · not taking new patients'}
                </span>
                {l.closedAt && <span className="badge muted">Closed: not in search or on the map</span>}
                {isAdmin && (
                  <>
                    {' '}
                    <Link to={`/portal/locations/${l.id}`}>
                      Edit<span className="visually-hidden"> {l.name}</span>
                    </Link>{' '}
                    {l.closedAt ? (
                      <button type="button" className="link" onClick={() => setClosed(l.id, l.name, false)}>
                        Reopen<span className="visually-hidden"> {l.name}</span>
                      </button>
                    ) : (
                      <button type="button" className="link" onClick={() => setClosed(l.id, l.name, true)}>
                        Close<span className="visually-hidden"> {l.name}</span>
                      </button>
                    )}{' '}
                    <button type="button" className="link" onClick={() => removeLocation(l.id, l.name)}>
                      Remove<span className="visually-hidden"> {l.name}</span>
                    </button>
                  </>
                )}
                {locationProblem?.id === l.id && (
                  <p className="field-error" role="alert">
                    {locationProblem.message}
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
        {isAdmin && (
          <Link className="button" to={`/portal/clinics/${clinic.id}/locations/new`}>
            Add a location
          </Link>
        )}
      </section>
      <Team clinic={clinic} isAdmin={isAdmin} refresh={refresh} />
      {isAdmin && <History clinic={clinic} />}
    </article>
  );
}
