/** The account pages, loaded as one chunk when any of them is opened. */
export { AcceptInvitationPage } from './AcceptInvitationPage.js';
export { ForgotPasswordPage, ResetPasswordPage } from './PasswordResetPages.js';
export { SignInPage } from './SignInPage.js';
export { SignUpPage } from './SignUpPage.js';
export { VerifyEmailPage } from './VerifyEmailPage.js';
