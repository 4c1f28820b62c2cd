import { languageName } from '@kapmap/validation';
import { lazy, Suspense, useEffect, useMemo } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { useIsProvider, useViewer } from '../account/viewer.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading } from '../components/Notices.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { MapView } from '../map/MapView.js';
import {
  directionsHref,
  formatDate,
  formatPhone,
  formatPrice,
  formatWait,
  safeWebUrl,
  telHref,
} from '../search/format.js';

// Forms load only when they are shown: the public page stays light.
const ReportListing = lazy(() => import('./listing-actions.js').then((m) => ({ default: m.ReportListing })));
const Unpublish = lazy(() => import('./listing-actions.js').then((m) => ({ default: m.Unpublish })));

export const ClinicQuery = graphql(`
  query ClinicPage($id: ID!) {
    clinic(id: $id) {
      id name description phone email website isSample verified lastConfirmedAt notRecentlyConfirmed
      locations {
        id name isTelehealth servesStates phone email
        acceptingNewPatients typicalWaitDays minAge maxAge languages
        address { line1 line2 city state postalCode }
        coordinates { lat lng }
        offeredRoutes { priceUsd sessionMinutes route { code name description } }
        acceptedConditions { code name }
        services { code name description }
        acceptedInsurance { code name }
        hours { day opens closes }
      }
    }
  }
`);

/**
 * What only a signed-in user's answer can hold: whether the clinic is public yet (staff and admins see it
 * before it is) and their role there. Asked apart, so that the page itself is the same for every visitor and
 * the server keeps it for the public (graphql/public-cache.ts); not asked at all when nobody is signed in.
 */
export const ClinicStandingQuery = graphql(`
  query ClinicStanding($id: ID!) {
    clinic(id: $id) { id published viewerRole }
  }
`);

type ClinicLocation = NonNullable<ResultOf<typeof ClinicQuery>['clinic']>['locations'][number];

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
function ages(min: number | null | undefined, max: number | null | undefined): string {
  // Nothing entered is "not stated": kapmap never publishes "all ages" for a clinic that did not say so.
  if (min == null && max == null) return 'Not stated';
  if (max == null) return `${min} and older`;
  if (min == null) return `Up to ${max}`;
  return `${min} to ${max}`;
}

function time(hhmm: string): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  const d = new Date(Date.UTC(2000, 0, 1, h, m));
  return d.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
}

function LocationDetails({ l, highlighted }: { l: ClinicLocation; highlighted: boolean }) {
  const isProvider = useIsProvider();
  const wait = formatWait(l.typicalWaitDays);
  const byDay = DAYS.map((name, day) => ({ name, periods: l.hours.filter((h) => h.day === day) }));
  return (
    <section
      className={`location${highlighted ? ' selected' : ''}`}
      aria-labelledby={`h-${l.id}`}
      id={`location-${l.id}`}
    >
      <h2 id={`h-${l.id}`}>{l.name}</h2>
      {l.address ? (
        <address>
          {l.address.line1}
          {l.address.line2 && <>, {l.address.line2}</>}
          <br />
          {l.address.city}, {l.address.state} {l.address.postalCode}
          <br />
          <a
            href={directionsHref(l.address, null) ?? undefined}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={`Directions to ${l.name} (opens your maps app)`}
          >
            Directions
          </a>
        </address>
      ) : (
        <p>Telehealth or at-home program serving {l.servesStates.join(', ')}.</p>
      )}
      <p className="facts">
        <span className={l.acceptingNewPatients ? 'badge ok' : 'badge muted'}>
          {l.acceptingNewPatients ? 'Accepting new patients' : 'Not taking new patients'}
        </span>
        {wait && <span className="badge">{wait}</span>}
      </p>
      {isProvider && (
        <p>
          <Link className="button primary" to={`/refer/${encodeURIComponent(l.id)}`}>
            Refer a patient here
          </Link>
        </p>
      )}
      <dl className="details">
        {(l.phone || l.email) && (
          <>
            <dt>Contact</dt>
            <dd>
              {l.phone && <a href={telHref(l.phone)}>{formatPhone(l.phone)}</a>}
              {l.phone && l.email && ' · '}
              {l.email && <a href={`mailto:${l.email}`}>{l.email}</a>}
            </dd>
          </>
        )}
        <dt>Ages</dt>
        <dd>{ages(l.minAge, l.maxAge)}</dd>
        <dt>Languages</dt>
        <dd>{l.languages.length ? l.languages.map(languageName).join(', ') : 'Not stated'}</dd>
        <dt>Conditions treated</dt>
        <dd>
          {l.acceptedConditions.length ? l.acceptedConditions.map((c) => c.name).join(', ') : 'Not listed'}
        </dd>
        <dt>Insurance and payment</dt>
        <dd>
          {l.acceptedInsurance.length ? l.acceptedInsurance.map((i) => i.name).join(', ') : 'Not listed'}
        </dd>
        <dt>Services</dt>
        <dd>{l.services.length ? l.services.map((s) => s.name).join(', ') : 'Not listed'}</dd>
      </dl>
      {l.offeredRoutes.length > 0 && (
        <table className="routes">
          <caption>How ketamine is given here</caption>
          <thead>
            <tr>
              <th scope="col">Route</th>
              <th scope="col">Self-pay price per session</th>
              <th scope="col">Session length</th>
            </tr>
          </thead>
          <tbody>
            {l.offeredRoutes.map((r) => (
              <tr key={r.route.code}>
                <th scope="row">{r.route.name}</th>
                <td>{formatPrice(r.priceUsd) ?? 'Ask the clinic'}</td>
                <td>{r.sessionMinutes ? `${r.sessionMinutes} minutes` : 'Ask the clinic'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {l.hours.length === 0 && !l.isTelehealth && <p className="muted">Opening hours: not stated.</p>}
      {l.hours.length > 0 && (
        <table className="hours">
          <caption>Opening hours (local time)</caption>
          <tbody>
            {byDay.map((d) => (
              <tr key={d.name}>
                <th scope="row">{d.name}</th>
                <td>
                  {d.periods.length
                    ? d.periods.map((p) => `${time(p.opens)} – ${time(p.closes)}`).join(', ')
                    : 'Closed'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ClinicPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const highlighted = params.get('location');
  const here = useLocation();
  const navigate = useNavigate();
  const [result, reexecute] = useQuery({ query: ClinicQuery, variables: { id } });
  const { viewer } = useViewer();
  const [standingResult] = useQuery({ query: ClinicStandingQuery, variables: { id }, pause: !viewer });
  const clinic = result.data?.clinic;
  const standing = viewer ? standingResult.data?.clinic : null;

  useEffect(() => {
    document.title = clinic ? `${clinic.name} · kapmap` : 'Clinic · kapmap';
  }, [clinic]);

  const points = useMemo(
    () => (clinic?.locations ?? []).flatMap((l) => (l.coordinates ? [{ id: l.id, ...l.coordinates }] : [])),
    [clinic],
  );

  if (result.fetching && !result.data) {
    return <Loading what="Loading the clinic…" />;
  }
  if (result.error) {
    return <ErrorNotice error={result.error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
  }
  if (!clinic) {
    return (
      <div className="notice empty">
        <h1>This clinic is not listed</h1>
        <p>It may have been removed, or the link may be incomplete.</p>
        <p>
          <Link to="/">Search for clinics</Link>
        </p>
      </div>
    );
  }

  const website = safeWebUrl(clinic.website);
  const nearest =
    clinic.locations.find((l) => l.id === highlighted && l.address) ??
    clinic.locations.find((l) => l.address);
  const resultsNear = nearest?.address
    ? `/?${new URLSearchParams({ place: nearest.address.postalCode, selected: nearest.id })}`
    : '/';
  const confirmed = formatDate(clinic.lastConfirmedAt);

  return (
    <article className="clinic-page">
      <p className="back">
        <Link
          to={resultsNear}
          onClick={(e) => {
            // Came from a search in this tab: go back to it as it was. Opened from a shared link: a search
            // near this clinic instead of leaving kapmap.
            if (here.key !== 'default') {
              e.preventDefault();
              navigate(-1);
            }
          }}
        >
          ← Back to results
        </Link>
      </p>
      {standing?.published === false && (
        <div className="notice warn" role="note">
          <p>
            <strong>Preview.</strong> This is how the public will see the listing; it is not public yet.{' '}
            {standing?.viewerRole && <Link to={`/portal/clinics/${clinic.id}`}>Back to your clinic</Link>}
          </p>
        </div>
      )}
      {viewer?.isPlatformAdmin && standing?.published && (
        <Suspense fallback={null}>
          <Unpublish clinicId={clinic.id} />
        </Suspense>
      )}
      <header className="clinic-header">
        <h1>{clinic.name}</h1>
        <p className="facts">
          {clinic.isSample && (
            <span className="badge sample" title="This listing is fictional demo data, not a real clinic">
              Sample data
            </span>
          )}
          {clinic.verified && <span className="badge ok">Verified by kapmap</span>}
          {clinic.notRecentlyConfirmed ? (
            <span
              className="badge warn"
              title="The clinic has not confirmed this listing for 90 days or more: check with it before you go"
            >
              Not recently confirmed{confirmed && ` (last ${confirmed})`}
            </span>
          ) : (
            confirmed && <span className="badge">Listing confirmed {confirmed}</span>
          )}
        </p>
        {clinic.description && <p className="description">{clinic.description}</p>}
        <p className="contact">
          {clinic.phone && <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>}
          {clinic.email && <a href={`mailto:${clinic.email}`}>{clinic.email}</a>}
          {website && (
            <a href={website} rel="noopener noreferrer" target="_blank">
              Website<span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          )}
        </p>
      </header>
      {points.length > 0 && (
        <div className="clinic-map">
          <MapView
            points={points}
            selectedId={highlighted}
            fitKey={clinic.id}
            cluster={false}
            label={`Map of ${clinic.name}'s ${points.length} location${points.length === 1 ? '' : 's'}`}
            onSelect={(locationId) =>
              document.getElementById(`location-${locationId}`)?.scrollIntoView({ behavior: 'smooth' })
            }
          />
        </div>
      )}
      {clinic.locations.map((l) => (
        <LocationDetails key={l.id} l={l} highlighted={l.id === highlighted} />
      ))}
      {standing?.published !== false && (
        <Suspense fallback={null}>
          <ReportListing clinicId={clinic.id} locations={clinic.locations} />
        </Suspense>
      )}
    </article>
  );
}
