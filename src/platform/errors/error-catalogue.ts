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
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
