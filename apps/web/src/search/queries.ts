import { graphql } from '../graphql/index.js';

/** What a result card shows of a location: the facts a person chooses a clinic by. */
export const LocationSummary = graphql(`
  fragment LocationSummary on Location @_unmask {
    id
    name
    phone
    acceptingNewPatients
    typicalWaitDays
    isTelehealth
    servesStates
    address { line1 city state postalCode }
    coordinates { lat lng }
    clinic { id name isSample notRecentlyConfirmed }
    offeredRoutes { priceUsd route { code name } }
    acceptedConditions { code name }
  }
`);

/** One page of the list, and the telehealth programs for the searcher's state. No counting: it stays fast. */
export const SearchListQuery = graphql(
  `
  query SearchList($place: String, $near: GeoPointInput, $radius: Float, $filter: LocationFilter, $after: String, $first: Int, $sort: LocationSort) {
    searchLocations(place: $place, near: $near, radius: $radius, filter: $filter, after: $after, first: $first, sort: $sort) {
      origin { label lat lng state }
      edges { cursor distance node { ...LocationSummary } }
      pageInfo { hasNextPage endCursor }
      telehealth { ...LocationSummary }
    }
  }
`,
  [LocationSummary],
);

/**
 * The map's light query: every match in the radius as a bare point, and how many there are, counted only as
 * far as the map can draw (a dense city is not scanned to say "more than 5,000").
 */
export const SearchPointsQuery = graphql(`
  query SearchPoints($place: String, $near: GeoPointInput, $radius: Float, $filter: LocationFilter, $limit: Int) {
    searchLocations(place: $place, near: $near, radius: $radius, filter: $filter, first: 1) {
      boundedCount(upTo: $limit) { value exact }
      points(first: $limit) { id lat lng }
    }
  }
`);

/** The choices the filters offer. */
export const FilterOptionsQuery = graphql(`
  query FilterOptions {
    conditions { code name }
    routes { code name }
    insurancePayers { code name }
    languages { code name }
  }
`);

/** A location picked on the map that is not on the loaded page of the list. */
export const PickedLocationQuery = graphql(
  `
  query PickedLocation($id: ID!) {
    location(id: $id) { ...LocationSummary }
  }
`,
  [LocationSummary],
);

/** Places starting with what is typed in the search box. */
export const PlaceSuggestionsQuery = graphql(`
  query PlaceSuggestions($prefix: String!) {
    placeSuggestions(prefix: $prefix) { label description }
  }
`);

/** For an empty search: the nearest matches beyond its radius (up to the widest search), with distances. */
export const NearestBeyondQuery = graphql(
  `
  query NearestBeyond($place: String, $near: GeoPointInput, $filter: LocationFilter) {
    searchLocations(place: $place, near: $near, radius: 500, filter: $filter, first: 3) {
      edges { distance node { ...LocationSummary } }
    }
  }
`,
  [LocationSummary],
);
