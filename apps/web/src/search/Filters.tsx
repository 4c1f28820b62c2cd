import { useEffect, useId, useState } from 'react';
import { filterCount, NO_FILTERS, type SearchState } from './url-state.js';

export interface Option {
  code: string;
  name: string;
}

export interface FilterOptions {
  conditions: Option[];
  routes: Option[];
  insurancePayers: Option[];
  languages: Option[];
}

type FilterKeys =
  | 'conditions'
  | 'routes'
  | 'insurance'
  | 'languages'
  | 'age'
  | 'acceptingOnly'
  | 'telehealth';
export type FilterValues = Pick<SearchState, FilterKeys>;

export interface FiltersProps {
  options: FilterOptions | null;
  value: FilterValues;
  onChange: (next: FilterValues) => void;
}

function toggle(list: string[], code: string, on: boolean): string[] {
  return on ? [...new Set([...list, code])] : list.filter((c) => c !== code);
}

/** One collapsible group of checkboxes, open while any is checked; its summary says how many are. */
function CheckGroup({
  title,
  legend,
  hint,
  options,
  selected,
  onChange,
}: {
  title: string;
  legend: string;
  hint: string;
  options: Option[];
  selected: string[];
  onChange: (next: string[]) => void;
}) {
  const hintId = useId();
  return (
    <details open={selected.length > 0 || undefined}>
      <summary>
        {title}
        {selected.length > 0 ? ` (${selected.length})` : ''}
      </summary>
      <fieldset className="filter-group" aria-describedby={hintId}>
        <legend>{legend}</legend>
        <p id={hintId} className="hint">
          {hint}
        </p>
        <ul>
          {options.map((o) => (
            <li key={o.code}>
              <label>
                <input
                  type="checkbox"
                  value={o.code}
                  checked={selected.includes(o.code)}
                  onChange={(e) => onChange(toggle(selected, o.code, e.target.checked))}
                />
                {o.name}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
    </details>
  );
}

/** The patient's age: applied when the field is left or Enter is pressed, not on every keystroke. */
function AgeFilter({ value, onChange }: { value: number | null; onChange: (age: number | null) => void }) {
  const id = useId();
  const hintId = useId();
  const [text, setText] = useState(value === null ? '' : String(value));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setText(value === null ? '' : String(value)), [value]);
  const apply = () => {
    const t = text.trim();
    if (t === '') {
      setProblem(null);
      if (value !== null) onChange(null);
      return;
    }
    const n = Number(t);
    if (!Number.isInteger(n) || n < 0 || n > 120) {
      setProblem('Enter an age in whole years, 0 to 120.');
      return;
    }
    setProblem(null);
    if (n !== value) onChange(n);
  };
  return (
    <div className="field age-filter">
      <label htmlFor={id}>Patient’s age</label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        maxLength={3}
        value={text}
        aria-describedby={hintId}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            apply();
          }
        }}
      />
      <p id={hintId} className={problem ? 'field-error' : 'hint'}>
        {problem ?? 'Leaves out clinics that do not see this age.'}
      </p>
    </div>
  );
}

/** Narrows the search; every change applies at once and goes into the URL. */
export function Filters({ options, value, onChange }: FiltersProps) {
  const set = (patch: Partial<FilterValues>) => onChange({ ...value, ...patch });
  const active = filterCount(value);
  return (
    <section className="filters" aria-label="Filters">
      <div className="filter-toggles">
        <label>
          <input
            type="checkbox"
            checked={value.acceptingOnly}
            onChange={(e) => set({ acceptingOnly: e.target.checked })}
          />
          Accepting new patients
        </label>
        <label>
          <input
            type="checkbox"
            checked={value.telehealth}
            onChange={(e) => set({ telehealth: e.target.checked })}
          />
          Show telehealth programs
        </label>
        {active > 0 && (
          <button type="button" className="link" onClick={() => set(NO_FILTERS)}>
            Clear {active} filter{active === 1 ? '' : 's'}
          </button>
        )}
      </div>
      {options === null ? (
        <p className="hint" role="status">
          Loading filters…
        </p>
      ) : (
        <div className="filter-groups">
          <CheckGroup
            title="Condition"
            legend="Conditions treated"
            hint="Clinics that accept every condition checked."
            options={options.conditions}
            selected={value.conditions}
            onChange={(conditions) => set({ conditions })}
          />
          <CheckGroup
            title="Route"
            legend="How ketamine is given"
            hint="Clinics that offer any route checked."
            options={options.routes}
            selected={value.routes}
            onChange={(routes) => set({ routes })}
          />
          <CheckGroup
            title="Insurance"
            legend="Insurance or payment"
            hint="Clinics that accept any payer checked."
            options={options.insurancePayers}
            selected={value.insurance}
            onChange={(insurance) => set({ insurance })}
          />
          <CheckGroup
            title="Language"
            legend="Language of care"
            hint="Clinics that offer care in any language checked."
            options={options.languages}
            selected={value.languages}
            onChange={(languages) => set({ languages })}
          />
          <AgeFilter value={value.age} onChange={(age) => set({ age })} />
        </div>
      )}
    </section>
  );
}
