import { useId } from 'react';
import { filterCount, NO_FILTERS, type SearchState } from './url-state.js';

export interface Option {
  code: string;
  name: string;
}

export interface FilterOptions {
  conditions: Option[];
  routes: Option[];
  insurancePayers: Option[];
}

type FilterKeys = 'conditions' | 'routes' | 'insurance' | 'acceptingOnly' | 'telehealth';
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
        </div>
      )}
    </section>
  );
}
