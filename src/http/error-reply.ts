import type { FastifyError } from 'fastify';
import { ZodError } from 'zod';
import { HavenError, havenError } from '#haven/platform/errors/haven-error.js';

/** Any error a request can raise, as the catalogue's HavenError (unknown errors become INTERNAL). */
export function toHavenError(error: unknown, bodyLimit: number): { error: HavenError; unexpected: boolean } {
  if (error instanceof HavenError) {
    return { error, unexpected: false };
  }
  if (error instanceof ZodError) {
    return { error: havenError('VALIDATION_FAILED', { issues: describeIssues(error) }), unexpected: false };
  }
  const fastify = error as Partial<FastifyError> & { code?: string; statusCode?: number; message?: string };
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return { error: havenError('PAYLOAD_TOO_LARGE', { limit: bodyLimit }), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return {
        error: havenError('UNSUPPORTED_MEDIA_TYPE', { contentType: 'of this request' }),
        unexpected: false,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        error: havenError('INVALID_JSON', { reason: fastify.message ?? 'empty body' }),
        unexpected: false,
      };
    default:
      break;
  }
  if (error instanceof SyntaxError || fastify.statusCode === 400) {
    return {
      error: havenError('INVALID_JSON', { reason: (error as Error).message.split('\n')[0] ?? 'malformed' }),
      unexpected: false,
    };
  }
  if (fastify.statusCode === 413) {
    return { error: havenError('PAYLOAD_TOO_LARGE', { limit: bodyLimit }), unexpected: false };
  }
  return { error: havenError('INTERNAL', {}, error), unexpected: true };
}

export function describeIssues(error: ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
