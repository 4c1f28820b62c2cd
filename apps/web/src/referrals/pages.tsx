import { RequireSignIn } from '../account/RequireSignIn.js';
import { MyReferralsPage as MyReferrals } from './MyReferralsPage.js';
import { ProviderRegistrationPage as ProviderRegistration } from './ProviderRegistrationPage.js';
import { ReferralFormPage as ReferralForm } from './ReferralFormPage.js';
import { ReferralInboxPage as ReferralInbox } from './ReferralInboxPage.js';
import { ReferralPage as Referral } from './ReferralPage.js';

/** The referral pages, one chunk: each sends anyone signed out to sign in first. */
export const ProviderRegistrationPage = () => (
  <RequireSignIn>{(viewer) => <ProviderRegistration viewer={viewer} />}</RequireSignIn>
);
export const ReferralFormPage = () => (
  <RequireSignIn>{(viewer) => <ReferralForm viewer={viewer} />}</RequireSignIn>
);
export const MyReferralsPage = () => (
  <RequireSignIn>{(viewer) => <MyReferrals viewer={viewer} />}</RequireSignIn>
);
export const ReferralInboxPage = () => <RequireSignIn>{() => <ReferralInbox />}</RequireSignIn>;
export const ReferralPage = () => (
  <RequireSignIn>{(viewer) => <Referral isPlatformAdmin={viewer.isPlatformAdmin} />}</RequireSignIn>
);
