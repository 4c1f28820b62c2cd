import { US_STATES } from '@kapmap/geo/states';
import { LANGUAGES, LocationInputSchema, TELEHEALTH_ROUTES } from '@kapmap/validation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type FieldError, useForm } from 'react-hook-form';
import { Link, useNavigate, useParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading } from '../components/Notices.js';
import { ChoiceGroup, FormAlert, GroupError, TextField } from '../forms/Field.js';
import { schemaResolver, showServerError } from '../forms/resolver.js';
import { graphql } from '../graphql/index.js';
import { MapView } from '../map/MapView.js';
import {
  type Choices,
  DAYS,
  type EditableLocation,
  EditLocationQuery,
  LocationChoicesQuery,
  type LocationFormValues,
  toFormPath,
  toFormValues,
  toLocationInput,
} from './location-form.js';

const PlaceAddress = graphql(`
  query PlaceAddress($addressLine1: String, $city: String, $state: String, $postalCode: String!) {
    placeAddress(addressLine1: $addressLine1, city: $city, state: $state, postalCode: $postalCode) { lat lng precision }
  }
`);
const CreateLocation = graphql(`
  mutation CreateLocation($clinicId: ID!, $input: LocationInput!) { createLocation(clinicId: $clinicId, input: $input) { id } }
`);
const UpdateLocation = graphql(`
  mutation UpdateLocation($id: ID!, $input: LocationInput!) { updateLocation(id: $id, input: $input) { id } }
`);

/** Ticks for a list of codes (conditions, services, payers), as one labelled group. */
function CodeChecks({
  legend,
  name,
  options,
  form,
}: {
  legend: string;
  name: 'conditions' | 'services' | 'insurance';
  options: { code: string; name: string }[];
  form: ReturnType<typeof useForm<LocationFormValues>>;
}) {
  return (
    <ChoiceGroup
      legend={legend}
      options={options.map((o) => ({ value: o.code, label: o.name }))}
      register={() => form.register(name)}
      error={form.formState.errors[name] as FieldError | undefined}
    />
  );
}

function LocationForm({
  choices,
  location,
  clinicId,
}: {
  choices: Choices;
  location: EditableLocation | null;
  clinicId: string;
}) {
  const navigate = useNavigate();
  const client = useClient();
  const [, create] = useMutation(CreateLocation);
  const [, update] = useMutation(UpdateLocation);
  const [alert, setAlert] = useState<string | null>(null);
  const [placing, setPlacing] = useState<{ busy: boolean; note: string | null }>({ busy: false, note: null });
  const [fitKey, setFitKey] = useState('initial');
  const initial = useMemo(() => toFormValues(choices, location), [choices, location]);
  const latest = useRef(initial);
  const form = useForm<LocationFormValues>({
    mode: 'onTouched',
    defaultValues: initial,
    resolver: schemaResolver(
      LocationInputSchema,
      (v) => {
        latest.current = v;
        return toLocationInput(v);
      },
      (path) => toFormPath(latest.current, path),
    ),
  });
  const { errors, isSubmitting } = form.formState;
  const telehealth = form.watch('telehealth');
  // A telehealth program offers only routes taken at home: the others are unticked and not shown.
  useEffect(() => {
    if (!telehealth) return;
    choices.routes.forEach((r, i) => {
      if (!TELEHEALTH_ROUTES.has(r.code) && form.getValues(`routes.${i}.offered`))
        form.setValue(`routes.${i}.offered`, false);
    });
  }, [telehealth, choices, form]);
  const coordinates = form.watch('coordinates');
  const routes = form.watch('routes');
  const hours = form.watch('hours');

  /** Puts the pin where the address is (or its ZIP code's center). */
  async function placePin() {
    // The ZIP code is checked by the form's own rules (the API's schema), not by a second copy of them here.
    if (!(await form.trigger('postalCode', { shouldFocus: true }))) return;
    const [addressLine1, city, state, postalCode] = form.getValues([
      'addressLine1',
      'city',
      'state',
      'postalCode',
    ]);
    setPlacing({ busy: true, note: null });
    const res = await client
      .query(
        PlaceAddress,
        { addressLine1, city, state, postalCode: postalCode.trim() },
        { requestPolicy: 'network-only' },
      )
      .toPromise();
    const placed = res.data?.placeAddress;
    if (!placed) {
      setPlacing({ busy: false, note: null });
      if (res.error) showServerError(res.error, form.setError, (f) => (f === 'postalCode' ? f : null));
      return;
    }
    form.setValue('coordinates', { lat: placed.lat, lng: placed.lng }, { shouldDirty: true });
    form.clearErrors('coordinates');
    setFitKey(`${placed.lat},${placed.lng}`);
    setPlacing({
      busy: false,
      note:
        placed.precision === 'ADDRESS'
          ? 'The pin is at the street address. Drag it to the entrance if it is off.'
          : 'The pin is at the center of the ZIP code. Drag it onto the building, or click the map where it is.',
    });
  }

  const onSubmit = form.handleSubmit(async (values) => {
    setAlert(null);
    const input = toLocationInput(values);
    const res = location ? await update({ id: location.id, input }) : await create({ clinicId, input });
    if (res.error) {
      setAlert(
        showServerError(res.error, form.setError, (p) =>
          toFormPath(
            values,
            p.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
          ).join('.'),
        ),
      );
    } else navigate(`/portal/clinics/${clinicId}`);
  });

  return (
    <form onSubmit={onSubmit} noValidate className="stack location-form">
      <FormAlert message={alert} />
      {Object.keys(errors).length > 0 && form.formState.isSubmitted && (
        <p className="notice error" role="alert">
          Some fields need attention: they are marked below.
        </p>
      )}
      <TextField
        label="Name of this location"
        hint='What patients call it: "Raleigh clinic", "Online program".'
        registration={form.register('name')}
        error={errors.name}
      />
      <label className="check">
        <input type="checkbox" {...form.register('telehealth')} /> This is a telehealth or at-home program,
        with no address patients visit
      </label>
      {telehealth ? (
        <ChoiceGroup
          legend="States served"
          className="checks states"
          options={Object.entries(US_STATES).map(([code, name]) => ({ value: code, label: name }))}
          register={() => form.register('servesStates')}
          error={errors.servesStates as FieldError | undefined}
        />
      ) : (
        <fieldset>
          <legend>Address</legend>
          <TextField
            label="Street address"
            autoComplete="address-line1"
            registration={form.register('addressLine1')}
            error={errors.addressLine1}
          />
          <TextField
            label="Suite or floor (optional)"
            autoComplete="address-line2"
            registration={form.register('addressLine2')}
            error={errors.addressLine2}
          />
          <div className="row">
            <TextField
              label="City"
              autoComplete="address-level2"
              registration={form.register('city')}
              error={errors.city}
            />
            <TextField
              label="State"
              hint="NC"
              maxLength={2}
              autoComplete="address-level1"
              registration={form.register('state')}
              error={errors.state}
            />
            <TextField
              label="ZIP code"
              inputMode="numeric"
              autoComplete="postal-code"
              maxLength={5}
              registration={form.register('postalCode', {
                onBlur: () => {
                  if (!form.getValues('coordinates')) void placePin();
                },
              })}
              error={errors.postalCode}
            />
          </div>
          <div className="pin">
            <p id="pin-help">
              {coordinates
                ? (placing.note ?? 'Drag the pin onto the building, or click the map where it is.')
                : 'Enter the ZIP code, then place the pin.'}
            </p>
            <GroupError error={errors.coordinates as FieldError | undefined} />
            <button type="button" onClick={placePin} disabled={placing.busy}>
              {placing.busy
                ? 'Placing…'
                : coordinates
                  ? 'Place the pin from the address again'
                  : 'Place the pin from the address'}
            </button>
            {coordinates && (
              <>
                <div className="pin-map">
                  <MapView
                    points={[]}
                    fitKey={fitKey}
                    cluster={false}
                    label="Map: drag the pin to where this location is"
                    pin={{
                      ...coordinates,
                      onMove: (p) =>
                        form.setValue('coordinates', p, { shouldDirty: true, shouldValidate: true }),
                    }}
                  />
                </div>
                <p className="muted" data-testid="pin-position">
                  Pin at {coordinates.lat.toFixed(5)}, {coordinates.lng.toFixed(5)}
                </p>
              </>
            )}
          </div>
        </fieldset>
      )}
      <div className="row">
        <TextField
          label="Phone (optional)"
          type="tel"
          hint="(919) 555-0100"
          registration={form.register('phone')}
          error={errors.phone}
        />
        <TextField
          label="Email (optional)"
          type="email"
          registration={form.register('email')}
          error={errors.email}
        />
      </div>
      <fieldset>
        <legend>New patients</legend>
        <label className="check">
          <input type="checkbox" {...form.register('acceptingNewPatients')} /> Accepting new patients
        </label>
        <TextField
          label="Typical wait for a first appointment, in days (optional)"
          type="number"
          min={0}
          inputMode="numeric"
          registration={form.register('typicalWaitDays')}
          error={errors.typicalWaitDays}
        />
        <div className="row">
          <TextField
            label="Youngest age served (optional)"
            type="number"
            min={0}
            registration={form.register('minAge')}
            error={errors.minAge}
          />
          <TextField
            label="Oldest age served (optional)"
            type="number"
            min={0}
            registration={form.register('maxAge')}
            error={errors.maxAge}
          />
        </div>
        <ChoiceGroup
          legend="Languages care is offered in (none checked: not stated)"
          options={Object.entries(LANGUAGES).map(([code, name]) => ({ value: code, label: name }))}
          register={() => form.register('languages')}
          error={errors.languages as FieldError | undefined}
        />
      </fieldset>
      <fieldset>
        <legend>How ketamine is given here</legend>
        <GroupError error={errors.routes?.root} />
        {telehealth && (
          <p className="hint">A telehealth program offers only routes a patient takes at home.</p>
        )}
        {choices.routes.map((r, i) => (
          <div key={r.code} className="route-row" hidden={telehealth && !TELEHEALTH_ROUTES.has(r.code)}>
            <label className="check">
              <input type="checkbox" {...form.register(`routes.${i}.offered`)} /> {r.name}
            </label>
            {routes[i]?.offered && (
              <div className="row">
                <TextField
                  label={`Self-pay price per session, US$ (${r.name})`}
                  type="number"
                  min={0}
                  step="0.01"
                  registration={form.register(`routes.${i}.priceUsd`)}
                  error={errors.routes?.[i]?.priceUsd}
                />
                <TextField
                  label={`Session length, minutes (${r.name})`}
                  type="number"
                  min={1}
                  registration={form.register(`routes.${i}.sessionMinutes`)}
                  error={errors.routes?.[i]?.sessionMinutes}
                />
              </div>
            )}
          </div>
        ))}
      </fieldset>
      <CodeChecks legend="Conditions accepted" name="conditions" options={choices.conditions} form={form} />
      <CodeChecks legend="Services" name="services" options={choices.services} form={form} />
      <CodeChecks
        legend="Insurance and payment accepted"
        name="insurance"
        options={choices.insurancePayers}
        form={form}
      />
      <fieldset>
        <legend>Opening hours (local time)</legend>
        <GroupError error={errors.hours?.root} />
        {DAYS.map((day, i) => (
          <div key={day} className="hours-row">
            <label className="check">
              <input type="checkbox" {...form.register(`hours.${i}.open`)} /> {day}
            </label>
            {hours[i]?.open && (
              <>
                <TextField
                  label={`${day} opens`}
                  type="time"
                  registration={form.register(`hours.${i}.opens`)}
                  error={errors.hours?.[i]?.opens}
                />
                <TextField
                  label={`${day} closes`}
                  type="time"
                  registration={form.register(`hours.${i}.closes`)}
                  error={errors.hours?.[i]?.closes}
                />
              </>
            )}
          </div>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : location ? 'Save location' : 'Add location'}
        </button>
        <Link to={`/portal/clinics/${clinicId}`}>Cancel</Link>
      </div>
    </form>
  );
}

/** Adds a location to a clinic (`/portal/clinics/:id/locations/new`) or edits one (`/portal/locations/:id`). */
export function LocationEditorPage() {
  const { clinicId, locationId } = useParams();
  const [choices] = useQuery({ query: LocationChoicesQuery });
  const [existing] = useQuery({
    query: EditLocationQuery,
    variables: { id: locationId ?? '' },
    pause: !locationId,
    requestPolicy: 'network-only',
  });
  const location = locationId ? (existing.data?.location ?? null) : null;

  useEffect(() => {
    document.title = `${locationId ? 'Edit' : 'Add'} a location · kapmap`;
  }, [locationId]);

  const error = choices.error ?? existing.error;
  if (error) return <ErrorNotice error={error} />;
  if (!choices.data || (locationId && existing.fetching && !existing.data)) return <Loading />;
  if (locationId && location?.clinic.viewerRole !== 'ADMIN')
    return (
      <div className="notice empty">
        <h1>You cannot edit this location</h1>
        <p>
          Only its clinic’s admins can. <Link to="/portal">Your clinics</Link>
        </p>
      </div>
    );
  const owner = location?.clinic.id ?? clinicId ?? '';
  return (
    <article className="portal" aria-labelledby="location-title">
      <p className="back">
        <Link to={`/portal/clinics/${owner}`}>← {location?.clinic.name ?? 'Back to the clinic'}</Link>
      </p>
      <h1 id="location-title">{location ? `Edit ${location.name}` : 'Add a location'}</h1>
      <LocationForm key={location?.id ?? 'new'} choices={choices.data} location={location} clinicId={owner} />
    </article>
  );
}
