import { graphql } from '../graphql/index.js';

/** A referral as lists show it: the patient's name is a protected read, logged like any other. */
export const ReferralRow = graphql(`
  fragment ReferralRow on Referral {
    id status urgency createdAt updatedAt scheduledFor
    clinic { id name }
    location { id name }
    patient { name }
  }
`);

export const ReferralDetails = graphql(`
  fragment ReferralDetails on Referral {
    id status urgency createdAt updatedAt scheduledFor
    clinic { id name }
    location {
      id name acceptingNewPatients
      acceptedConditions { code name }
      offeredRoutes { route { code name } }
      acceptedInsurance { code name }
    }
    declineReason closingNote viewerSides allowedActions senderEmail
    sender { name practice specialty npi }
    conditions { code name }
    route { code name }
    insurance { code name }
    patient {
      name dateOfBirth phone email homePostalCode reason clinicalNote medications
      screening { uncontrolledHypertension psychosisOrMania pregnancy substanceUseDisorder priorKetamine }
    }
    events { status at actorName }
    messages { id body at authorName side }
  }
`);

/** Mutations answer with the referral, so that urql's cache refreshes every view of it. */
export const REFERRAL_CONTEXT = { additionalTypenames: ['Referral'] };
