import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * The filters on a phone: a modal sheet over the results (a native <dialog>, so focus, Escape and the
 * backdrop behave as the platform's do), closed by a button that says how many results the filters leave.
 */
export function FilterSheet({
  open,
  onClose,
  total,
  one = false,
  children,
}: {
  open: boolean;
  onClose: () => void;
  /** Matches with the filters as they are now ("12", "more than 5,000"); undefined while on its way. */
  total: string | undefined;
  /** Exactly one match. */
  one?: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal?.();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="filter-sheet" aria-labelledby={titleId} onClose={onClose}>
      <div className="sheet-head">
        <h2 id={titleId}>Filters</h2>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="sheet-body">{children}</div>
      <div className="sheet-foot">
        <button type="button" className="primary" onClick={onClose}>
          {total === undefined ? 'Show results' : `Show ${total} result${one ? '' : 's'}`}
        </button>
      </div>
    </dialog>
  );
}
