import type { Client } from '@urql/core';
import { lazy, type ReactNode, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Provider } from 'urql';
import { ClinicPage } from './clinic/ClinicPage.js';
import { Layout } from './components/Layout.js';
import { Loading, NotFound } from './components/Notices.js';
import { SearchPage } from './search/SearchPage.js';

// The public map and clinic pages load first; accounts, the portal and administration are their own chunks.
const account = () => import('./account/pages.js');
const SignInPage = lazy(() => account().then((m) => ({ default: m.SignInPage })));
const SignUpPage = lazy(() => account().then((m) => ({ default: m.SignUpPage })));
const ForgotPasswordPage = lazy(() => account().then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => account().then((m) => ({ default: m.ResetPasswordPage })));
const VerifyEmailPage = lazy(() => account().then((m) => ({ default: m.VerifyEmailPage })));
const AcceptInvitationPage = lazy(() => account().then((m) => ({ default: m.AcceptInvitationPage })));
const portal = () => import('./portal/pages.js');
const PortalHome = lazy(() => portal().then((m) => ({ default: m.PortalHomePage })));
const ClinicPortalPage = lazy(() => portal().then((m) => ({ default: m.ClinicPortalPage })));
const LocationEditorPage = lazy(() => portal().then((m) => ({ default: m.LocationEditorPage })));
const AdminPage = lazy(() => portal().then((m) => ({ default: m.AdminPagePage })));
const referrals = () => import('./referrals/pages.js');
const ProviderRegistrationPage = lazy(() =>
  referrals().then((m) => ({ default: m.ProviderRegistrationPage })),
);
const ReferralFormPage = lazy(() => referrals().then((m) => ({ default: m.ReferralFormPage })));
const MyReferralsPage = lazy(() => referrals().then((m) => ({ default: m.MyReferralsPage })));
const ReferralInboxPage = lazy(() => referrals().then((m) => ({ default: m.ReferralInboxPage })));
const ReferralPage = lazy(() => referrals().then((m) => ({ default: m.ReferralPage })));

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export function App({ client }: { client: Client }) {
  const page = (element: ReactNode) => <Page>{element}</Page>;
  return (
    <Provider value={client}>
      <Layout>
        <Routes>
          <Route path="/" element={<SearchPage />} />
          <Route path="/clinics/:id" element={<ClinicPage />} />
          <Route path="/sign-in" element={page(<SignInPage />)} />
          <Route path="/sign-up" element={page(<SignUpPage />)} />
          <Route path="/setup" element={page(<SignUpPage firstAdmin />)} />
          <Route path="/forgot-password" element={page(<ForgotPasswordPage />)} />
          <Route path="/reset-password" element={page(<ResetPasswordPage />)} />
          <Route path="/verify-email" element={page(<VerifyEmailPage />)} />
          <Route path="/invitations/accept" element={page(<AcceptInvitationPage />)} />
          <Route path="/portal" element={page(<PortalHome />)} />
          <Route path="/portal/clinics/:id" element={page(<ClinicPortalPage />)} />
          <Route path="/portal/clinics/:clinicId/locations/new" element={page(<LocationEditorPage />)} />
          <Route path="/portal/locations/:locationId" element={page(<LocationEditorPage />)} />
          <Route path="/admin" element={page(<AdminPage />)} />
          <Route path="/refer/:locationId" element={page(<ReferralFormPage />)} />
          <Route path="/referrals" element={page(<MyReferralsPage />)} />
          <Route path="/referrals/register" element={page(<ProviderRegistrationPage />)} />
          <Route path="/referrals/:id" element={page(<ReferralPage />)} />
          <Route path="/portal/clinics/:clinicId/referrals" element={page(<ReferralInboxPage />)} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Layout>
    </Provider>
  );
}
