/** What stands where the map will be: while it loads, or when it cannot draw (the list still works). */
export function MapPlaceholder({ failed }: { failed?: string | undefined }) {
  if (failed) {
    return (
      <div className="map-fallback" role="note">
        {failed} The list shows every clinic.
      </div>
    );
  }
  return (
    <div className="map-loading" role="status">
      Loading map…
    </div>
  );
}
