/**
 * Every error Haven reports, in one place: a stable code, the HTTP status it maps to and a message
 * template. `{name}` placeholders are filled from the details passed to `havenError`.
 */
export const ERROR_CATALOGUE = {
  CONFIG_INVALID: { status: 500, message: 'Configuration is invalid: {issues}' },
  DATA_DIR_LOCKED: {
    status: 409,
    message: 'Data directory {dataDir} is in use by process {pid} on {host} (since {since}); stop it first',
  },
  DATA_DIR_UNUSABLE: { status: 500, message: 'Data directory {dataDir} cannot be used: {reason}' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database cannot be opened: {reason}' },
  MIGRATION_FAILED: { status: 500, message: 'Database migration {version} failed: {reason}' },
  SCHEMA_TOO_NEW: {
    status: 500,
    message: 'The database schema (version {found}) is newer than this Haven build understands ({known})',
  },
  EVIDENCE_KEY_INVALID: { status: 500, message: 'The evidence key is invalid: {reason}' },
  EVIDENCE_KEY_MISMATCH: {
    status: 500,
    message:
      'Evidence blob {sha256} was encrypted with another key ({found}); the configured key is {expected}',
  },
  EVIDENCE_NOT_FOUND: { status: 404, message: 'No stored evidence with SHA-256 {sha256}' },
  EVIDENCE_CORRUPT: { status: 500, message: 'Stored evidence {sha256} failed its integrity check: {reason}' },
  INVALID_HASH: { status: 400, message: 'Invalid {signal} hash: {reason}' },
  UNKNOWN_SIGNAL: { status: 400, message: 'Unknown signal type {signal}' },
  INVALID_ARGUMENT: { status: 400, message: '{reason}' },
  CASE_NOT_FOUND: { status: 404, message: 'No case with reference {caseRef}' },
  INGEST_NOT_FOUND: { status: 404, message: 'No ingest {ingestId}' },
  INGEST_FAILED: { status: 500, message: 'Ingest {ingestId} failed: {reason}' },
  INPUT_UNREADABLE: { status: 422, message: 'Cannot read {path}: {reason}' },
  INPUT_EMPTY: { status: 422, message: 'Empty file (0 bytes): nothing to analyse' },
  IMAGE_NOT_DECODED: {
    status: 422,
    message:
      'Image of {size} bytes is above the in-memory decode limit of {limit} bytes; stored and hashed, not decoded',
  },
  IMAGE_UNDECODABLE: { status: 422, message: 'Cannot decode image: {reason}' },
  IMAGE_TOO_LARGE: {
    status: 422,
    message: 'Image of {width}x{height} pixels exceeds the limit of {limit} pixels (decompression bomb?)',
  },
  ARCHIVE_LIMIT: { status: 422, message: 'Archive limit exceeded: {reason}' },
  ARCHIVE_UNSAFE_PATH: { status: 422, message: 'Unsafe path in archive: {reason}' },
  ARCHIVE_CORRUPT: { status: 422, message: 'Archive is corrupt or unsupported: {reason}' },
  ARCHIVE_ENTRY_UNREADABLE: { status: 422, message: 'Cannot read archive entry: {reason}' },
  INDEX_CORRUPT: { status: 500, message: 'Index file {file} is unusable: {reason}' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first (no valid session or API token)' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has expired; sign in again' },
  MFA_REQUIRED: { status: 401, message: 'Complete the second factor first ({stage})' },
  LOGIN_FAILED: { status: 401, message: 'Wrong username or password' },
  MFA_INVALID: { status: 401, message: 'That code is not valid (wrong, expired or already used)' },
  ACCOUNT_LOCKED: { status: 423, message: 'Too many failed attempts: the account is locked until {until}' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; try again in {retryAfter} seconds' },
  CSRF_FAILED: { status: 403, message: 'Missing or wrong X-CSRF-Token header for a cookie session' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this ({permission})' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: '{reason}' },
  VALIDATION_FAILED: { status: 400, message: 'Invalid request: {issues}' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON: {reason}' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is too large (limit {limit} bytes)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type {contentType}' },
  PASSWORD_POLICY: { status: 400, message: 'Password rejected: {reason}' },
  PASSWORD_INCORRECT: { status: 403, message: 'The current password is not correct' },
  NOT_READY: { status: 503, message: 'Not ready: {reason}' },
  INTERNAL: { status: 500, message: 'Internal error' },
  IMPORT_INVALID: { status: 422, message: 'Cannot import {file}, nothing was imported: {reason}' },
  HASH_SET_NOT_FOUND: { status: 404, message: 'No hash set named {name}' },
  HASH_LIST_INVALID: { status: 422, message: 'Cannot use the hash list {file}: {reason}' },
  PROVIDER_KEY_INVALID: { status: 401, message: 'Missing, unknown, expired or revoked provider key' },
  PROVIDER_NOT_FOUND: { status: 404, message: 'No provider organisation named {name}' },
  MEDIA_TOOL_MISSING: {
    status: 500,
    message: '{tool} is not installed (Debian: ffmpeg, libchromaprint-tools)',
  },
  VIDEO_UNREADABLE: { status: 422, message: 'Cannot read video: {reason}' },
  FACES_DISABLED: {
    status: 403,
    message: 'Face processing is off for your agency; an agency administrator can turn it on',
  },
  SIMILARITY_REGION_INVALID: { status: 400, message: 'Invalid region {region}: {reason}' },
  SIMILARITY_NO_FEATURES: { status: 422, message: 'No local features could be found in {what}' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
