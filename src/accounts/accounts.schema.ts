import { z } from 'zod';
import { PERMISSIONS, ROLES } from '#haven/access/permissions.js';
import { AGENCY_TYPES } from '#haven/accounts/agency.types.js';
import { MAX_TOKEN_DAYS } from '#haven/accounts/api-token.service.js';
import { PASSWORD_MAX_LENGTH } from '#haven/accounts/password-policy.js';
import { USERNAME_PATTERN } from '#haven/accounts/user.service.js';

// Requests are .strict(): an unknown field is an error, not silently ignored.

const Password = z.string().min(1).max(PASSWORD_MAX_LENGTH);
const Role = z.enum(ROLES);
const Permission = z.enum(PERMISSIONS);
const TotpCode = z.string().regex(/^\d{6}$/, 'six digits');

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

/** An ISO 3166-1 alpha-2 code that names a real region (ICU knows them, user-assigned ones aside). */
export const CountryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'two upper-case letters (ISO 3166-1 alpha-2)')
  .refine((code) => {
    const name = REGION_NAMES.of(code);
    return name !== undefined && name !== code && name !== 'Unknown Region';
  }, 'not an ISO 3166-1 alpha-2 country code')
  .meta({ description: 'ISO 3166-1 alpha-2, e.g. FR' });

export const IdParams = z.object({ id: z.uuid() }).strict();

export const LoginRequest = z
  .object({ username: z.string().min(1).max(128), password: Password })
  .strict()
  .meta({ id: 'LoginRequest' });

export const SecondFactorRequest = z
  .union([
    z.object({ code: TotpCode }).strict(),
    z.object({ recoveryCode: z.string().min(1).max(64) }).strict(),
  ])
  .meta({ id: 'SecondFactorRequest', description: 'A code from the authenticator, or a recovery code' });

export const EnrolmentStartRequest = z
  .object({
    code: TotpCode.optional().meta({
      description: 'Required when replacing an authenticator: a current code from it',
    }),
  })
  .strict()
  .meta({ id: 'EnrolmentStartRequest' });

export const EnrolmentConfirmRequest = z
  .object({ code: TotpCode })
  .strict()
  .meta({ id: 'EnrolmentConfirmRequest' });

export const PasswordChangeRequest = z
  .object({ currentPassword: Password, newPassword: Password })
  .strict()
  .meta({ id: 'PasswordChangeRequest' });

export const PasswordResetRequest = z
  .object({ newPassword: Password })
  .strict()
  .meta({ id: 'PasswordResetRequest' });

export const CreateAgencyRequest = z
  .object({
    name: z.string().trim().min(1).max(200),
    country: CountryCode,
    type: z.enum(AGENCY_TYPES),
    contact: z.string().trim().max(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateAgencyRequest' });

export const UserListQuery = z.object({ agency: z.uuid().optional() }).strict();

export const CreateUserRequest = z
  .object({
    username: z
      .string()
      .regex(USERNAME_PATTERN, '2 to 64 of a-z, 0-9, ".", "_", "@", "-", starting with a letter or digit'),
    displayName: z.string().trim().min(1).max(200),
    agencyId: z.uuid(),
    roles: z.array(Role).min(1).max(ROLES.length),
    password: Password,
  })
  .strict()
  .meta({ id: 'CreateUserRequest' });

export const UpdateUserRequest = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    roles: z.array(Role).min(1).max(ROLES.length).optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'nothing to change')
  .meta({ id: 'UpdateUserRequest' });

export const CreateTokenRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(Permission).min(1).max(PERMISSIONS.length),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
  })
  .strict()
  .meta({ id: 'CreateTokenRequest' });

// Responses.

export const AgencyRef = z.object({ id: z.uuid(), name: z.string(), country: z.string() });

export const SessionUser = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    agency: AgencyRef,
    roles: z.array(Role),
    permissions: z.array(Permission),
  })
  .meta({ id: 'SessionUser' });

export const SessionBody = z
  .object({
    stage: z.enum(['mfa_required', 'mfa_enrolment', 'active']).meta({
      description: 'mfa_required: send a code to /auth/mfa; mfa_enrolment: enrol first; active: signed in',
    }),
    csrfToken: z.string().nullable().meta({
      description: 'Send back as X-CSRF-Token on every non-GET request of this session (null for API tokens)',
    }),
    user: SessionUser,
  })
  .meta({ id: 'Session' });

export const EnrolmentBody = z
  .object({ secret: z.string().meta({ description: 'Base32 TOTP secret' }), otpauthUri: z.string() })
  .meta({ id: 'MfaEnrolment' });

export const EnrolmentConfirmedBody = SessionBody.extend({
  recoveryCodes: z.array(z.string()).meta({ description: 'Single-use; shown this once' }),
}).meta({ id: 'MfaEnrolmentConfirmed' });

export const AgencyBody = z
  .object({
    id: z.uuid(),
    name: z.string(),
    country: z.string(),
    type: z.enum(AGENCY_TYPES),
    contact: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Agency' });

export const AgencyList = z.object({ agencies: z.array(AgencyBody) }).meta({ id: 'AgencyList' });

export const UserBody = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    agency: AgencyRef,
    roles: z.array(Role),
    disabled: z.boolean(),
    mfaEnabled: z.boolean(),
    lockedUntil: z.iso.datetime().nullable().meta({ description: 'Set while a lockout lasts' }),
    passwordChangedAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });

export const UserList = z.object({ users: z.array(UserBody) }).meta({ id: 'UserList' });

export const TokenBody = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scopes: z.array(Permission),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiToken' });

export const TokenCreatedBody = TokenBody.extend({
  token: z
    .string()
    .meta({ description: 'The secret (hvn_...), shown this once; send as Authorization: Bearer' }),
}).meta({ id: 'ApiTokenCreated' });

export const TokenList = z.object({ tokens: z.array(TokenBody) }).meta({ id: 'ApiTokenList' });
