import { ERROR_CATALOGUE, type ErrorCode } from '#haven/platform/errors/error-catalogue.js';

export type ErrorDetails = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** The only error type Haven throws on purpose; anything else is a bug and reported as INTERNAL. */
export class HavenError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    const entry = ERROR_CATALOGUE[code];
    super(fillTemplate(entry.message, details), options);
    this.name = 'HavenError';
    this.code = code;
    this.status = entry.status;
    this.details = details;
  }
}

export function havenError(code: ErrorCode, details: ErrorDetails = {}, cause?: unknown): HavenError {
  return new HavenError(code, details, cause === undefined ? undefined : { cause });
}

export function isHavenError(error: unknown, code?: ErrorCode): error is HavenError {
  return error instanceof HavenError && (code === undefined || error.code === code);
}

/** A one-line, user-presentable reason for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof HavenError) {
    return error.message;
  }
  if (error instanceof Error) {
    return error.message.split('\n')[0] ?? error.name;
  }
  return String(error);
}

function fillTemplate(template: string, details: ErrorDetails): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = details[key];
    return value === undefined || value === null ? whole : String(value);
  });
}
