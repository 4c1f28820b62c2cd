import type { LatLng } from '@kapmap/geo/distance';
import { MAX_CELLS } from '@kapmap/geo/map-grid';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { useIsProvider, useProviderStatus } from '../account/viewer.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { PHYSICIANS_ENTRY } from '../components/Layout.js';
import { PHONE_QUERY, useMediaQuery } from '../components/media.js';
import { MapView } from '../map/MapView.js';
import type { ClusterRequest, MapCluster, MapPoint } from '../map/types.js';
import { FilterSheet } from './FilterSheet.js';
import { Filters } from './Filters.js';
import { countLabel } from './format.js';
import {
  FilterOptionsQuery,
  NearestBeyondQuery,
  PickedLocationQuery,
  PlaceSuggestionsQuery,
  SearchCountQuery,
  SearchListQuery,
  SearchMapQuery,
} from './queries.js';
import { LocationCard, type ResultEdge, ResultList } from './ResultList.js';
import { type PlaceProblem, SearchForm } from './SearchForm.js';
import {
  filterCount,
  hasOrigin,
  NO_FILTERS,
  parseSearch,
  RADIUS_CHOICES,
  radiusChoice,
  type SearchState,
  SORT_ORDERS,
  type SortOrder,
  searchVariables,
  toSearchParams,
} from './url-state.js';

const PAGE = 20;
/** How far the heading counts: past it, "more than 1,000". */
const COUNT_CAP = 1000;
const NO_CELLS: MapCluster[] = [];
const NO_POINTS: MapPoint[] = [];

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseSearch(params), [params]);
  const [hovered, setHovered] = useState<string | null>(null);
  const canRefer = useIsProvider();
  const providerStatus = useProviderStatus();
  // On a phone one pane shows at a time, the list first; filters open in a sheet.
  const phone = useMediaQuery(PHONE_QUERY);
  const [view, setView] = useState<'list' | 'map'>('list');
  const [sheetOpen, setSheetOpen] = useState(false);
  const mapShown = !phone || view === 'map';

  const go = useCallback(
    (next: SearchState, replace = false) => setParams(toSearchParams(next), { replace }),
    [setParams],
  );

  const variables = useMemo(() => searchVariables(state), [state]);
  const searchKey = JSON.stringify({ ...variables, sort: state.sort });
  /** The search that "Search this area" started: the map keeps the view the user chose for it. */
  const areaKey = useRef<string | null>(null);
  const active = hasOrigin(state);

  const [options] = useQuery({ query: FilterOptionsQuery });
  const [list, reexecuteList] = useQuery({
    query: SearchListQuery,
    variables: { ...variables, first: PAGE, sort: state.sort },
    pause: !active,
  });
  const [counted] = useQuery({
    query: SearchCountQuery,
    variables: { ...variables, upTo: COUNT_CAP },
    pause: !active,
  });
  // The map's clusters, for what the map shows once it is fitted to this search (a view told for the search
  // before is not asked again with this one's filters).
  const [mapView, setMapView] = useState<(ClusterRequest & { key: string }) | null>(null);
  const onViewChange = useCallback(
    (view: ClusterRequest, key: string) =>
      setMapView((prev) =>
        prev && prev.key === key && JSON.stringify(prev) === JSON.stringify({ ...view, key })
          ? prev
          : { ...view, key },
      ),
    [],
  );
  const viewNow = mapView?.key === searchKey ? mapView : null;
  const [cells] = useQuery({
    query: SearchMapQuery,
    variables: { ...variables, zoom: viewNow?.zoom ?? 0, within: viewNow?.within ?? null },
    pause: !active || !viewNow,
  });

  // Further pages, appended below the first; a new search starts again from the first.
  const client = useClient();
  const [more, setMore] = useState<{
    key: string;
    edges: ResultEdge[];
    endCursor: string | null;
    hasNext: boolean;
  }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const conn = list.data?.searchLocations;
  const extra = more?.key === searchKey ? more : undefined;
  const edges: ResultEdge[] = conn ? [...conn.edges, ...(extra?.edges ?? [])] : [];
  const hasNextPage = extra ? extra.hasNext : (conn?.pageInfo.hasNextPage ?? false);

  async function loadMore() {
    const after = extra ? extra.endCursor : (conn?.pageInfo.endCursor ?? null);
    setLoadingMore(true);
    setMoreError(null);
    const res = await client
      .query(SearchListQuery, { ...variables, first: PAGE, after, sort: state.sort })
      .toPromise();
    setLoadingMore(false);
    const page = res.data?.searchLocations;
    if (!page) {
      setMoreError('More results could not be loaded. Try again.');
      return;
    }
    setMore({
      key: searchKey,
      edges: [...(extra?.edges ?? []), ...page.edges],
      endCursor: page.pageInfo.endCursor,
      hasNext: page.pageInfo.hasNextPage,
    });
  }

  /** From the list, the button toggles; on the map, a click on a point always selects it. */
  const toggle = useCallback(
    (id: string) => go({ ...state, selected: state.selected === id ? null : id }, true),
    [go, state],
  );
  const select = useCallback((id: string) => go({ ...state, selected: id }, true), [go, state]);

  const selectedInList = state.selected !== null && edges.some((e) => e.node.id === state.selected);
  const [picked] = useQuery({
    query: PickedLocationQuery,
    variables: { id: state.selected ?? '' },
    pause: !state.selected || selectedInList || !conn,
  });

  // Nothing within the radius (a rural search): the nearest matches beyond it, so the person has somewhere to go.
  const empty = Boolean(conn) && !list.fetching && !list.stale && conn?.edges.length === 0;
  const [beyond] = useQuery({
    query: NearestBeyondQuery,
    variables: { place: variables.place, near: variables.near, filter: variables.filter },
    pause: !empty || state.radius >= 500,
  });
  const beyondEdges = empty ? (beyond.data?.searchLocations.edges ?? []) : [];
  const selectedCard = edges.find((e) => e.node.id === state.selected)?.node ?? picked.data?.location ?? null;
  const origin = conn?.origin;
  useEffect(() => {
    document.title = origin
      ? `Clinics near ${origin.label} · kapmap`
      : 'kapmap: find ketamine-assisted psychotherapy near you';
  }, [origin]);

  // A new search keeps the previous results on screen until its own arrive; say that they are being replaced.
  const updating = active && (list.fetching || counted.fetching);
  /** Which search (the URL without the selection) the list shows: end-to-end tests wait for it. */
  const renderedFor = useMemo(() => {
    const p = new URLSearchParams(params);
    p.delete('selected');
    return p.toString();
  }, [params]);
  const count = counted.data?.searchLocations.boundedCount;
  /** "12" or "more than 5,000": how many match, as far as it was counted. */
  const total = count ? countLabel(count) : undefined;
  const one = count?.exact === true && count.value === 1;
  // Only this search's clusters: kept with the search they answer, taken only from an answer to exactly what
  // was last asked (this search, this view), so from the moment the URL changes the last search's are gone.
  const [drawnCells, setDrawnCells] = useState<{ key: string; cells: MapCluster[] } | null>(null);
  const askedFor = viewNow
    ? JSON.stringify({ ...variables, zoom: viewNow.zoom, within: viewNow.within })
    : null;
  const answer = cells.data?.searchLocations.mapClusters;
  const answered = !cells.fetching && JSON.stringify(cells.operation?.variables ?? null) === askedFor;
  useEffect(() => {
    if (answer && answered) setDrawnCells({ key: searchKey, cells: answer });
  }, [answer, answered, searchKey]);
  const mapCells = drawnCells?.key === searchKey ? drawnCells.cells : NO_CELLS;
  const nextRadius = RADIUS_CHOICES.find((r) => r > state.radius);
  // The map frames the results the list shows, once they are those of this search (never the last one's).
  const listCurrent = Boolean(conn) && !list.fetching && !list.stale;
  const frame = useMemo(() => conn?.edges.flatMap((e) => e.node.coordinates ?? []) ?? [], [conn]);

  const suggest = useCallback(
    async (prefix: string) =>
      (await client.query(PlaceSuggestionsQuery, { prefix }).toPromise()).data?.placeSuggestions ?? [],
    [client],
  );
  // A place the search could not resolve is told beside the search box, with the places it may be.
  const placeError = list.error?.graphQLErrors.find(
    (e) => e.extensions?.code === 'BAD_USER_INPUT' && e.extensions.argumentName === 'place',
  );
  const placeProblem: PlaceProblem | null = placeError
    ? {
        message: placeError.message,
        choices: Array.isArray(placeError.extensions.choices)
          ? placeError.extensions.choices.filter((c): c is string => typeof c === 'string')
          : [],
      }
    : null;

  function searchArea(center: LatLng, radiusMiles: number) {
    const next = { ...state, near: center, place: null, radius: radiusChoice(radiusMiles), selected: null };
    const parsed = parseSearch(toSearchParams(next));
    areaKey.current = JSON.stringify({ ...searchVariables(parsed), sort: parsed.sort });
    go(next);
  }

  return (
    <div className="search-page">
      <div className="search-bar">
        <SearchForm
          place={state.place}
          nearLabel={state.near ? (origin?.label ?? 'Near a point on the map') : null}
          radius={state.radius}
          suggest={suggest}
          placeProblem={placeProblem}
          onRadiusChange={active ? (radius) => go({ ...state, radius, selected: null }) : undefined}
          onSearch={(o, radius) =>
            go({
              ...state,
              place: 'place' in o ? o.place : null,
              near: 'near' in o ? o.near : null,
              radius,
              selected: null,
            })
          }
        />
        {phone ? (
          <>
            <button
              type="button"
              className="filters-button"
              aria-haspopup="dialog"
              onClick={() => setSheetOpen(true)}
            >
              Filters{filterCount(state) > 0 ? ` (${filterCount(state)})` : ''}
            </button>
            <FilterSheet
              open={sheetOpen}
              onClose={() => setSheetOpen(false)}
              total={updating ? undefined : total}
              one={one}
            >
              <Filters
                options={options.data ?? null}
                value={state}
                onChange={(f) => go({ ...state, ...f, selected: null })}
              />
            </FilterSheet>
          </>
        ) : (
          <Filters
            options={options.data ?? null}
            value={state}
            onChange={(f) => go({ ...state, ...f, selected: null })}
          />
        )}
      </div>

      {phone && active && (
        <fieldset className="view-toggle">
          <legend className="visually-hidden">Show results as</legend>
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
            List
          </button>
          <button type="button" aria-pressed={view === 'map'} onClick={() => setView('map')}>
            Map
          </button>
        </fieldset>
      )}

      <div className="search-body" data-view={phone && active ? view : 'both'}>
        <div className="map-pane">
          <MapView
            defer={active && !conn && !list.error}
            points={NO_POINTS}
            clusters={mapCells}
            onViewChange={onViewChange}
            selectedId={state.selected}
            hoveredId={hovered}
            onSelect={select}
            onHover={setHovered}
            fitKey={listCurrent && mapShown ? searchKey : null}
            frame={frame}
            keepView={areaKey.current === searchKey}
            origin={origin ?? null}
            onSearchArea={searchArea}
            label={
              active
                ? `Map of ${total ?? 'the'} matching clinic locations. Use arrow keys to pan and plus or minus to zoom.`
                : 'Map of the United States'
            }
          />
          {phone && view === 'map' && selectedCard && (
            <ol className="results map-selected" aria-label="Selected on the map">
              <LocationCard location={selectedCard} selected hovered={false} canRefer={canRefer} />
            </ol>
          )}
          {mapCells.length >= MAX_CELLS && (
            <p className="map-note">Too many locations here to draw each one: zoom in to see them all.</p>
          )}
        </div>

        <div className="list-pane" aria-busy={updating} data-search={renderedFor}>
          {!active && (
            <div className="notice intro">
              <h1>Find a ketamine-assisted psychotherapy clinic</h1>
              <p>
                Enter a ZIP code or a city to see clinics near you, what they treat, how they give ketamine,
                and whether they take your insurance. Or use your location.
              </p>
              <p>
                Referring a patient? <Link to={PHYSICIANS_ENTRY}>For referring physicians</Link>: register
                once with your NPI, then send referrals and follow each one until the clinic closes the loop.
              </p>
            </div>
          )}

          {providerStatus === 'pending' && (
            <p className="notice" role="note">
              Your NPI is waiting for a kapmap admin to verify it. “Refer a patient” appears on each clinic
              once it is verified; we email you then.
            </p>
          )}

          {active && list.fetching && !conn && (
            <p className="notice" role="status">
              Searching for clinics…
            </p>
          )}

          {active && list.error && !placeError && (
            <ErrorNotice
              error={list.error}
              onRetry={() => reexecuteList({ requestPolicy: 'network-only' })}
            />
          )}

          {active && conn && (
            <>
              {updating && (
                <p className="updating" role="status">
                  Updating results…
                </p>
              )}
              <h1 className="results-heading" aria-live="polite">
                {edges.length === 0
                  ? `No clinics within ${state.radius} miles of ${conn.origin.label}`
                  : total !== undefined
                    ? `${count?.exact ? total : `More than ${count?.value.toLocaleString('en-US')}`} clinic location${one ? '' : 's'} within ${state.radius} miles of ${conn.origin.label}`
                    : `Clinics near ${conn.origin.label}`}
              </h1>

              {edges.length > 1 && (
                <div className="field inline sort-field">
                  <label htmlFor="sort">Sort by</label>
                  <select
                    id="sort"
                    value={state.sort}
                    onChange={(e) => go({ ...state, sort: e.target.value as SortOrder, selected: null })}
                  >
                    {(Object.keys(SORT_ORDERS) as SortOrder[]).map((o) => (
                      <option key={o} value={o}>
                        {SORT_ORDERS[o]}
                      </option>
                    ))}
                  </select>
                </div>
              )}

              {picked.data?.location && !selectedInList && (
                <div className="picked">
                  <h2 className="sub-heading">Selected on the map</h2>
                  <ol className="results">
                    <LocationCard
                      location={picked.data.location}
                      selected
                      hovered={false}
                      canRefer={canRefer}
                    />
                  </ol>
                </div>
              )}

              {edges.length === 0 ? (
                <div className="notice empty">
                  <p>
                    {filterCount(state) > 0
                      ? 'No clinic here matches every filter.'
                      : 'kapmap lists no clinic this close yet.'}{' '}
                    Try a wider radius{filterCount(state) > 0 ? ' or fewer filters' : ''}.
                  </p>
                  {beyondEdges.length > 0 && (
                    <>
                      <h2 className="sub-heading">Nearest beyond {state.radius} miles</h2>
                      <ol className="results" aria-label="Nearest clinics beyond the radius">
                        {beyondEdges.map((e) => (
                          <LocationCard
                            key={e.node.id}
                            location={e.node}
                            distance={e.distance}
                            selected={false}
                            hovered={false}
                            canRefer={canRefer}
                          />
                        ))}
                      </ol>
                    </>
                  )}
                  {conn.telehealth.length > 0 && (
                    <p>
                      {conn.telehealth.length} telehealth or at-home program
                      {conn.telehealth.length === 1 ? '' : 's'}
                      {conn.origin.state ? ` serve ${conn.origin.state}` : ' serve this area'}
                      {state.telehealth ? ': listed below.' : '.'}
                      {!state.telehealth && (
                        <>
                          {' '}
                          <button
                            type="button"
                            className="link"
                            onClick={() => go({ ...state, telehealth: true })}
                          >
                            Show them
                          </button>
                        </>
                      )}
                    </p>
                  )}
                  <div className="notice-actions">
                    {nextRadius && (
                      <button type="button" onClick={() => go({ ...state, radius: nextRadius })}>
                        Search within {nextRadius} miles
                      </button>
                    )}
                    {filterCount(state) > 0 && (
                      <button type="button" onClick={() => go({ ...state, ...NO_FILTERS })}>
                        Clear filters
                      </button>
                    )}
                  </div>
                </div>
              ) : (
                <ResultList
                  label={
                    state.sort === 'WAIT'
                      ? 'Clinics, shortest wait first'
                      : state.sort === 'PRICE'
                        ? 'Clinics, lowest price first'
                        : 'Clinics, nearest first'
                  }
                  canRefer={canRefer}
                  edges={edges}
                  selectedId={state.selected}
                  hoveredId={hovered}
                  onSelect={toggle}
                  onHover={setHovered}
                  hasNextPage={hasNextPage}
                  loadingMore={loadingMore}
                  onLoadMore={loadMore}
                />
              )}
              {moreError && (
                <p className="field-error" role="alert">
                  {moreError}
                </p>
              )}

              {state.telehealth && conn.telehealth.length > 0 && (
                <section className="telehealth" aria-labelledby="telehealth-heading">
                  <h2 id="telehealth-heading" className="sub-heading">
                    Telehealth and at-home programs
                    {conn.origin.state ? ` serving ${conn.origin.state}` : ''}
                  </h2>
                  <ol className="results">
                    {conn.telehealth.map((t) => (
                      <LocationCard
                        key={t.id}
                        location={t}
                        selected={false}
                        hovered={false}
                        canRefer={canRefer}
                      />
                    ))}
                  </ol>
                </section>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
