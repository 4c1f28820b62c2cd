/** Shown on every page people search from: someone looking for this treatment may be at risk right now. */
export function CrisisLine() {
  return (
    <aside className="crisis" aria-label="Crisis support">
      In crisis? <a href="tel:988">Call 988</a> or <a href="sms:988">text 988</a> (Suicide &amp; Crisis
      Lifeline). In an emergency, call <a href="tel:911">911</a>.
    </aside>
  );
}
