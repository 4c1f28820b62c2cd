import type { LatLng } from '@kapmap/geo/distance';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { RADIUS_CHOICES } from './url-state.js';

export interface SearchFormProps {
  place: string | null;
  /** Set when the search is around a point rather than a typed place. */
  nearLabel: string | null;
  radius: number;
  onSearch: (origin: { place: string } | { near: LatLng }, radius: number) => void;
  /** A new radius for the search shown, applied at once as the filters are; unset before any search. */
  onRadiusChange?: ((radius: number) => void) | undefined;
  /** Injected for tests; the browser's geolocation otherwise. */
  geolocation?: Pick<Geolocation, 'getCurrentPosition'> | undefined;
}

const ZIP_OR_CITY = /^(\d{5}(-\d{4})?|.*[A-Za-z].*)$/;

/** The front door: a ZIP code or city, a radius, or "use my location". */
export function SearchForm(props: SearchFormProps) {
  const { place, nearLabel, radius, onSearch, onRadiusChange, geolocation } = props;
  const [text, setText] = useState(place ?? '');
  const [miles, setMiles] = useState(radius);
  const [problem, setProblem] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const ids = { place: useId(), radius: useId(), problem: useId() };

  // The URL changes with Back and Forward: the form follows it.
  useEffect(() => setText(place ?? ''), [place]);
  useEffect(() => setMiles(radius), [radius]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const value = text.trim();
    if (!value) {
      setProblem('Enter a ZIP code (such as 27609) or a city and state (such as Raleigh, NC).');
      return;
    }
    if (!ZIP_OR_CITY.test(value)) {
      setProblem('A ZIP code has 5 digits, such as 27609. Or enter a city and state, such as Raleigh, NC.');
      return;
    }
    setProblem(null);
    onSearch({ place: value }, miles);
  }

  function locate() {
    const geo = geolocation ?? (typeof navigator !== 'undefined' ? navigator.geolocation : undefined);
    if (!geo) {
      setProblem('This browser cannot share your location. Enter a ZIP code or city instead.');
      return;
    }
    setLocating(true);
    setProblem(null);
    geo.getCurrentPosition(
      (pos) => {
        setLocating(false);
        // About a kilometre (0.01° of latitude is 1.1 km): near enough to search, too coarse to find a home.
        const km = (n: number) => Math.round(n * 100) / 100;
        onSearch({ near: { lat: km(pos.coords.latitude), lng: km(pos.coords.longitude) } }, miles);
      },
      () => {
        setLocating(false);
        setProblem(
          'Your location is not available (permission denied or no signal). Enter a ZIP code or city.',
        );
      },
      { timeout: 10_000, maximumAge: 300_000 },
    );
  }

  return (
    <search aria-label="Find clinics">
      <form className="search-form" onSubmit={submit} noValidate>
        <div className="field field-place">
          <label htmlFor={ids.place}>ZIP code or city</label>
          <input
            id={ids.place}
            name="place"
            type="text"
            inputMode="search"
            autoComplete="postal-code"
            placeholder={nearLabel ?? '27609 or Raleigh, NC'}
            value={text}
            maxLength={200}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? ids.problem : undefined}
          />
        </div>
        <div className="field field-radius">
          <label htmlFor={ids.radius}>Within</label>
          <select
            id={ids.radius}
            value={miles}
            onChange={(e) => {
              const r = Number(e.target.value);
              setMiles(r);
              onRadiusChange?.(r);
            }}
          >
            {RADIUS_CHOICES.map((r) => (
              <option key={r} value={r}>
                {r} miles
              </option>
            ))}
          </select>
        </div>
        <div className="search-actions">
          <button type="submit" className="primary">
            Search
          </button>
          <button type="button" onClick={locate} disabled={locating}>
            {locating ? 'Locating…' : 'Use my location'}
          </button>
        </div>
        {problem && (
          <p id={ids.problem} className="field-error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </search>
  );
}
