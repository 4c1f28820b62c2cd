import { RequireSignIn } from '../account/RequireSignIn.js';
import { AdminPage } from '../admin/AdminPage.js';
import { ClinicPortalPage as ClinicPortal } from './ClinicPortalPage.js';
import { LocationEditorPage as LocationEditor } from './LocationEditorPage.js';
import { PortalHome } from './PortalHome.js';

/** The signed-in pages, loaded as one chunk: each sends anyone signed out to sign in first. */
export const PortalHomePage = () => (
  <RequireSignIn>{(viewer) => <PortalHome viewer={viewer} />}</RequireSignIn>
);
export const ClinicPortalPage = () => <RequireSignIn>{() => <ClinicPortal />}</RequireSignIn>;
export const LocationEditorPage = () => <RequireSignIn>{() => <LocationEditor />}</RequireSignIn>;
export const AdminPagePage = () => <RequireSignIn>{(viewer) => <AdminPage viewer={viewer} />}</RequireSignIn>;
