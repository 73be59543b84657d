import { z } from 'zod';

/** The one error body every failure has. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const Uuid = z.uuid();

/** Standard error responses documented on every route. */
export const ERROR_RESPONSES = {
  400: { description: 'Invalid request', schema: ErrorBody },
  401: { description: 'Not signed in', schema: ErrorBody },
  403: { description: 'Not allowed', schema: ErrorBody },
  404: { description: 'Not found (or not visible to you)', schema: ErrorBody },
} as const;
