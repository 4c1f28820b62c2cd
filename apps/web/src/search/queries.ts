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
 * How many match, counted only as far as a person needs told ("more than 1,000"): a dense city is not
 * scanned to say so. For the heading, the filter sheet and the map's label.
 */
export const SearchCountQuery = graphql(`
  query SearchCount($place: String, $near: GeoPointInput, $radius: Float, $filter: LocationFilter, $upTo: Int) {
    searchLocations(place: $place, near: $near, radius: $radius, filter: $filter, first: 1) {
      boundedCount(upTo: $upTo) { value exact }
    }
  }
`);

/**
 * What the map draws for its view: the matches counted on the API's grid at the map's zoom, inside what is
 * on screen. It costs what the map shows (a few hundred cells), not what the radius holds.
 */
export const SearchMapQuery = graphql(`
  query SearchMap($place: String, $near: GeoPointInput, $radius: Float, $filter: LocationFilter, $zoom: Int!, $within: GeoBoundsInput) {
    searchLocations(place: $place, near: $near, radius: $radius, filter: $filter, first: 1) {
      mapClusters(zoom: $zoom, within: $within) { count lat lng id bounds { north south east west } }
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
