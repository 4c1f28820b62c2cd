import type { LatLng } from '@kapmap/geo/distance';
import { useCombobox } from 'downshift';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { RADIUS_CHOICES } from './url-state.js';

/** A place offered while typing (the API's PlaceSuggestion). */
export interface Suggestion {
  label: string;
  description: string;
}

/** The search's own complaint about the place (unknown, or a city without its state) and what it may be. */
export interface PlaceProblem {
  message: string;
  choices: string[];
}

export interface SearchFormProps {
  place: string | null;
  /** Set when the search is around a point rather than a typed place. */
  nearLabel: string | null;
  radius: number;
  onSearch: (origin: { place: string } | { near: LatLng }, radius: number) => void;
  /** A new radius for the search shown, applied at once as the filters are; unset before any search. */
  onRadiusChange?: ((radius: number) => void) | undefined;
  /** Places starting with what is typed; none offered without it. */
  suggest?: ((prefix: string) => Promise<Suggestion[]>) | undefined;
  /** The search's complaint about the place searched, shown beside the box with its choices. */
  placeProblem?: PlaceProblem | null | undefined;
  /** Injected for tests; the browser's geolocation otherwise. */
  geolocation?: Pick<Geolocation, 'getCurrentPosition'> | undefined;
}

const ZIP_OR_CITY = /^(\d{5}(-\d{4})?|.*[A-Za-z].*)$/;

/** The front door: a ZIP code or city, a radius, or "use my location". */
export function SearchForm(props: SearchFormProps) {
  const { place, nearLabel, radius, onSearch, onRadiusChange, suggest, placeProblem, geolocation } = props;
  const [text, setText] = useState(place ?? '');
  const [miles, setMiles] = useState(radius);
  const [problem, setProblem] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const ids = { place: useId(), label: useId(), menu: useId(), radius: useId(), problem: useId() };
  const [items, setItems] = useState<Suggestion[]>([]);
  const asked = useRef(0);

  // Suggestions follow the typing, a moment after it pauses; an answer to an older prefix is dropped.
  useEffect(() => {
    const prefix = text.trim();
    if (!suggest || prefix.length < 2 || prefix === place) {
      setItems([]);
      return;
    }
    const n = ++asked.current;
    const timer = setTimeout(() => {
      suggest(prefix).then(
        (found) => n === asked.current && setItems(found),
        () => n === asked.current && setItems([]),
      );
    }, 150);
    return () => clearTimeout(timer);
  }, [text, suggest, place]);

  const [open, setOpen] = useState(false);
  const combo = useCombobox<Suggestion>({
    items,
    // Open only with something to offer: a closed list leaves Enter to the form.
    isOpen: open && items.length > 0,
    onIsOpenChange: ({ isOpen }) => setOpen(Boolean(isOpen)),
    inputValue: text,
    itemToString: (s) => s?.label ?? '',
    inputId: ids.place,
    labelId: ids.label,
    menuId: ids.menu,
    onSelectedItemChange: ({ selectedItem }) => {
      if (!selectedItem) return;
      setText(selectedItem.label);
      setItems([]);
      setProblem(null);
      onSearch({ place: selectedItem.label }, miles);
    },
    // A chosen item stays chosen only until the next search: the same place can be chosen twice.
    selectedItem: null,
  });
  const shownProblem = problem ?? placeProblem?.message ?? null;

  // The URL changes with Back and Forward: the form follows it.
  useEffect(() => setText(place ?? ''), [place]);
  useEffect(() => setMiles(radius), [radius]);

  /** A search is made: the list closes, and an answer still on its way for what was typed is dropped. */
  function closeSuggestions() {
    asked.current++;
    setItems([]);
    setOpen(false);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    closeSuggestions();
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
    closeSuggestions();
    setProblem(null);
    geo.getCurrentPosition(
      (pos) => {
        setLocating(false);
        // About a kilometer (0.01° of latitude is 1.1 km): near enough to search, too coarse to find a home.
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
          <label id={ids.label} htmlFor={ids.place}>
            ZIP code or city
          </label>
          <input
            {...combo.getInputProps({
              name: 'place',
              type: 'text',
              inputMode: 'search',
              autoComplete: 'off',
              placeholder: nearLabel ?? '27609 or Raleigh, NC',
              maxLength: 200,
              // Typing sets the box in its own change event, not in Downshift's onInputValueChange: that
              // runs after a render with the old text, which moved the cursor to the end and, on a busy
              // machine, dropped keys typed in between. Choosing an item sets it in onSelectedItemChange.
              onChange: (e) => setText(e.currentTarget.value),
              'aria-invalid': shownProblem ? true : undefined,
              'aria-describedby': shownProblem ? ids.problem : undefined,
              onKeyDown: (e) => {
                // Enter with no place picked searches for what was typed.
                if (e.key === 'Enter' && combo.highlightedIndex < 0) {
                  (e.nativeEvent as { preventDownshiftDefault?: boolean }).preventDownshiftDefault = true;
                  setOpen(false);
                }
              },
            })}
          />
          <ul
            {...combo.getMenuProps({ 'aria-label': 'Places' })}
            className="suggestions"
            hidden={!(combo.isOpen && items.length > 0)}
          >
            {combo.isOpen &&
              items.map((item, index) => (
                <li
                  key={item.label}
                  className={combo.highlightedIndex === index ? 'highlighted' : undefined}
                  {...combo.getItemProps({ item, index })}
                >
                  <span>{item.label}</span>
                  {item.description !== item.label && (
                    <span className="suggestion-detail">{item.description}</span>
                  )}
                </li>
              ))}
          </ul>
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
        {shownProblem && (
          <div id={ids.problem} className="field-error place-problem" role="alert">
            <p>{shownProblem}</p>
            {!problem && placeProblem && placeProblem.choices.length > 0 && (
              <ul className="place-choices" aria-label="Did you mean">
                {placeProblem.choices.map((c) => (
                  <li key={c}>
                    <button
                      type="button"
                      onClick={() => {
                        setText(c);
                        onSearch({ place: c }, miles);
                      }}
                    >
                      {c}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </form>
    </search>
  );
}
