import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { ResultOf } from '../graphql/index.js';
import {
  directionsHref,
  formatDistance,
  formatPhone,
  formatWait,
  lowestPrices,
  summarize,
  telHref,
} from './format.js';
import type { LocationSummary } from './queries.js';

export type LocationCardData = ResultOf<typeof LocationSummary>;

export interface ResultEdge {
  distance: number;
  node: LocationCardData;
}

interface CardProps {
  location: LocationCardData;
  distance?: number | undefined;
  selected: boolean;
  hovered: boolean;
  onSelect?: ((id: string) => void) | undefined;
  onHover?: ((id: string | null) => void) | undefined;
  /** Offer "Refer a patient" (to signed-in referring providers). */
  canRefer?: boolean | undefined;
}

export function LocationCard({
  location: l,
  distance,
  selected,
  hovered,
  onSelect,
  onHover,
  canRefer,
}: CardProps) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [selected]);
  const routes = l.offeredRoutes.map((r) => r.route.name);
  const conditions = l.acceptedConditions.map((c) => c.name);
  const wait = formatWait(l.typicalWaitDays);
  const prices = lowestPrices(l.offeredRoutes);
  const directions = directionsHref(l.address, l.coordinates);
  const headingId = `loc-${l.id}`;
  return (
    <li
      ref={ref}
      className={`card${selected ? ' selected' : ''}${hovered ? ' hovered' : ''}`}
      data-location-id={l.id}
      aria-labelledby={headingId}
      aria-current={selected ? 'true' : undefined}
      onMouseEnter={() => onHover?.(l.id)}
      onMouseLeave={() => onHover?.(null)}
      onFocus={() => onHover?.(l.id)}
      onBlur={() => onHover?.(null)}
    >
      <div className="card-head">
        <h3 id={headingId}>
          <Link to={`/clinics/${encodeURIComponent(l.clinic.id)}?location=${encodeURIComponent(l.id)}`}>
            {l.clinic.name}
          </Link>
        </h3>
        {distance !== undefined && <span className="distance">{formatDistance(distance)}</span>}
      </div>
      <p className="card-sub">
        {l.name}
        {l.address && (
          <>
            {' · '}
            {l.address.line1}, {l.address.city}, {l.address.state}
          </>
        )}
        {l.isTelehealth && l.servesStates.length > 0 && <> · serves {summarize(l.servesStates, 6)}</>}
      </p>
      <p className="facts">
        <span className={l.acceptingNewPatients ? 'badge ok' : 'badge muted'}>
          {l.acceptingNewPatients ? 'Accepting new patients' : 'Not taking new patients'}
        </span>
        {wait && <span className="badge">{wait}</span>}
        {l.clinic.notRecentlyConfirmed && (
          <span className="badge warn" title="The clinic has not confirmed this listing for 90 days or more">
            Not recently confirmed
          </span>
        )}
        {l.clinic.isSample && (
          <span className="badge sample" title="Fictional demo listing">
            Sample data
          </span>
        )}
      </p>
      {routes.length > 0 && (
        <p>
          <span className="label">Routes:</span> {routes.join(', ')}
        </p>
      )}
      {conditions.length > 0 && (
        <p>
          <span className="label">Treats:</span> {summarize(conditions, 4)}
        </p>
      )}
      {prices.length > 0 && (
        <p className="prices">
          <span className="label">Self-pay from:</span>{' '}
          {prices.map((p, i) => (
            <span key={p.route}>
              {i > 0 && ' · '}
              {p.route} {p.price}
            </span>
          ))}
        </p>
      )}
      <div className="card-actions">
        {l.phone && (
          <a href={telHref(l.phone)} aria-label={`Call ${l.clinic.name}, ${formatPhone(l.phone)}`}>
            {formatPhone(l.phone)}
          </a>
        )}
        {directions && !l.isTelehealth && (
          <a
            href={directions}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={`Directions to ${l.clinic.name}, ${l.name} (opens your maps app)`}
          >
            Directions
          </a>
        )}
        {canRefer && (
          <Link
            to={`/refer/${encodeURIComponent(l.id)}`}
            aria-label={`Refer a patient to ${l.clinic.name}, ${l.name}`}
          >
            Refer a patient
          </Link>
        )}
        {onSelect && l.coordinates && (
          <button type="button" className="link" aria-pressed={selected} onClick={() => onSelect(l.id)}>
            {selected ? 'Shown on map' : 'Show on map'}
          </button>
        )}
      </div>
    </li>
  );
}

export interface ResultListProps {
  edges: ResultEdge[];
  selectedId: string | null;
  hoveredId: string | null;
  onSelect: (id: string) => void;
  onHover: (id: string | null) => void;
  hasNextPage: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  canRefer?: boolean | undefined;
  /** What the list is, for a screen reader: its order. */
  label?: string | undefined;
}

/** The street locations of a search, nearest first, a page at a time. */
export function ResultList(props: ResultListProps) {
  const { edges, selectedId, hoveredId, onSelect, onHover, hasNextPage, loadingMore, onLoadMore, canRefer } =
    props;
  return (
    <>
      <ol className="results" aria-label={props.label ?? 'Clinics, nearest first'}>
        {edges.map((e) => (
          <LocationCard
            key={e.node.id}
            location={e.node}
            distance={e.distance}
            selected={e.node.id === selectedId}
            hovered={e.node.id === hoveredId}
            onSelect={onSelect}
            onHover={onHover}
            canRefer={canRefer}
          />
        ))}
      </ol>
      {hasNextPage && (
        <button type="button" className="more" onClick={onLoadMore} disabled={loadingMore}>
          {loadingMore ? 'Loading more…' : 'Show more clinics'}
        </button>
      )}
    </>
  );
}
