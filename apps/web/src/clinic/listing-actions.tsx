import { useMutation } from 'urql';
import { ReasonForm } from '../forms/ReasonForm.js';
import { graphql } from '../graphql/index.js';

export { ReportListing } from './ReportListing.js';

const UnpublishClinic = graphql(`
  mutation UnpublishClinic($id: ID!, $reason: String!) { unpublishClinic(id: $id, reason: $reason) { id published } }
`);

/** For platform admins only: take the listing out of public view, telling the clinic why. */
export function Unpublish({ clinicId }: { clinicId: string }) {
  const [, unpublish] = useMutation(UnpublishClinic);
  return (
    <details className="admin-panel">
      <summary>Unpublish this listing (platform admin)</summary>
      <ReasonForm
        label="Why it is taken down"
        submitLabel="Unpublish"
        onSubmit={async (reason) => (await unpublish({ id: clinicId, reason })).error ?? null}
      />
    </details>
  );
}
