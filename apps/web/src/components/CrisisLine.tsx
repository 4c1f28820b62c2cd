/** Shown on every page people search from: someone looking for this treatment may be at risk right now. */
export function CrisisLine() {
  return (
    <aside className="crisis" aria-label="Crisis support">
      In crisis? Call or text <a href="tel:988">988</a> (Suicide &amp; Crisis Lifeline)
    </aside>
  );
}
