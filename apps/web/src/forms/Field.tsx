import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from 'react';
import { useId } from 'react';
import type { FieldError, UseFormRegisterReturn } from 'react-hook-form';

interface Common {
  label: ReactNode;
  hint?: ReactNode;
  error?: FieldError | undefined;
  registration: UseFormRegisterReturn;
}

/** The message and hint a field is described by, wired to it for screen readers. */
function useDescribed(hint: ReactNode, error: FieldError | undefined) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error?.message ? `${id}-error` : undefined;
  return {
    id,
    described: [hintId, errorId].filter(Boolean).join(' ') || undefined,
    extras: (
      <>
        {hint && (
          <span className="hint" id={hintId}>
            {hint}
          </span>
        )}
        {error?.message && (
          <span className="field-error" id={errorId}>
            {error.message}
          </span>
        )}
      </>
    ),
  };
}

/** A labelled input with its hint and, as you type or from the server, the problem with it. */
export function TextField({
  label,
  hint,
  error,
  registration,
  ...input
}: Common & Omit<InputHTMLAttributes<HTMLInputElement>, 'name'>) {
  const { id, described, extras } = useDescribed(hint, error);
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        {...input}
        {...registration}
      />
      {extras}
    </div>
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  registration,
  ...input
}: Common & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'name'>) {
  const { id, described, extras } = useDescribed(hint, error);
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={4}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        {...input}
        {...registration}
      />
      {extras}
    </div>
  );
}

/** The problem with a group of fields (a list, a pin, a set of ticks), shown above the group. */
export function GroupError({ error }: { error: { message?: string | undefined } | undefined }) {
  return error?.message ? <p className="field-error">{error.message}</p> : null;
}

/**
 * A labelled group of choices registered under one name: checkboxes for a list of codes, radios for one
 * answer. Its problem is shown below the choices (a message appearing above them, as a click's blur checks
 * the group, would move the box being clicked), and the group is marked invalid for screen readers.
 */
export function ChoiceGroup({
  legend,
  type = 'checkbox',
  options,
  register,
  error,
  className = 'checks',
}: {
  legend: ReactNode;
  type?: 'checkbox' | 'radio';
  options: readonly { value: string; label: ReactNode }[];
  /** Registers one input: called for each choice, as react-hook-form keeps a ref per checkbox or radio. */
  register: () => UseFormRegisterReturn;
  error?: { message?: string | undefined } | undefined;
  className?: string;
}) {
  return (
    <fieldset className={className} aria-invalid={error ? true : undefined}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="check">
          <input type={type} value={o.value} {...register()} /> {o.label}
        </label>
      ))}
      <GroupError error={error} />
    </fieldset>
  );
}

/** A problem for the whole form: read out as soon as it appears. */
export function FormAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="notice error" role="alert">
      <p>{message}</p>
    </div>
  );
}
