import type { ssoDe } from './sso.de.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const ssoEn: Widen<typeof ssoDe> = {
  sso: {
    login: {
      button: 'Sign in with your service account',
      buttonFor: 'Sign in with your service account – {{name}}',
      orPassword: 'Or with login and password:',
      passwordsOff: 'In this organisation the password only works for the administration’s emergency access.',
    },
    errors: {
      sso_state:
        'The sign-in expired, was started in another browser or was already used. Please choose “Sign in with your service account” again.',
      sso_failed:
        'The identity provider’s answer was invalid; nobody was signed in. Please try again, otherwise tell IT.',
      sso_unavailable:
        'The identity provider cannot be reached right now. Please try again later. Raising and receiving alarms keeps working.',
      sso_denied: 'The sign-in was cancelled or refused at the identity provider.',
      sso_deactivated: 'This account is deactivated in Wachsam (disabled in the directory or left).',
      sso_unknown_person:
        'There is no person in Wachsam for this service account. Please ask the administration to add you.',
      sso_not_configured: 'This organisation has no sign-in with service accounts.',
    },
    logoutFailed: 'Could not sign out at the identity provider; you are signed out of Wachsam.',
    admin: {
      intro:
        'Sign-in with the service account over OpenID Connect (Entra ID, ADFS, Keycloak): code flow with PKCE. Alarms never depend on the identity provider – enrolled devices and open sessions keep raising and receiving while it is down.',
      registerAt: 'Register at the identity provider',
      redirectUri: 'Redirect URI',
      postLogoutUri: 'Redirect after sign-out',
      enabled: 'Sign-in with service accounts switched on',
      issuer: 'Issuer URL (https)',
      clientId: 'Client ID (application ID)',
      clientSecret: 'Client secret',
      secretStored: 'A secret is stored and never shown; leave empty to keep it.',
      secretNone: 'No secret stored: public client, PKCE only.',
      removeSecret: 'Remove the stored secret',
      rolesClaim: 'Claim with groups or roles',
      mapping: 'Mapping: claim value → roles',
      mappingHint:
        'Roles named here follow the identity provider at every sign-in (without the claim in the token nothing changes); other roles stay as the administration set them. Roles needing four eyes (register, data protection, administration) are never granted directly: they become a request under “Approvals” that a second person confirms.',
      claimValue: 'Claim value (group id, group name or app role)',
      rolesFor: 'Roles for “{{value}}”',
      addMapping: 'Add mapping',
      removeMapping: 'Remove mapping',
      createPeople: 'Create people at their first sign-in',
      directoryManaged: 'A directory sync (LDAP or SCIM) manages the people: sign-in creates nobody.',
      localPasswords: 'Allow sign-in with password',
      breakGlass: 'Emergency access: login of an administrator who may always sign in with a password',
      save: 'Save',
      check: 'Check connection',
      test: 'Test sign-in',
      testHint:
        'Signs in at the identity provider and shows whom Wachsam would find and which roles they would get. Nobody is signed in and nothing changes.',
      lastTest: 'Last test sign-in ({{time}})',
      claimsSeen: 'Claims read',
    },
  },
};
