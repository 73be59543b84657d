import { z } from 'zod';
import { SEXES } from '#haven/people/people.types.js';
import { Text } from '#haven/series/series.schema.js';

const Age = z.number().int().min(0).max(30);
const Day = z.iso.date().meta({ description: 'A calendar date, YYYY-MM-DD' });
const Code = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/-]{0,63}$/u, '1-64 letters, digits, spaces or . _ / -')
  .meta({ description: 'Pseudonymous code (generated when omitted, e.g. V-NL-2026-00007)' });

export const VictimBody = z
  .object({
    id: z.uuid(),
    code: z.string(),
    agencyId: z.uuid(),
    own: z.boolean(),
    sex: z.enum(SEXES),
    ageMin: z.number().int().nullable(),
    ageMax: z.number().int().nullable(),
    identified: z.boolean(),
    identifiedBy: z.uuid().nullable(),
    identifiedAt: z.string().nullable(),
    safeguardedAt: z.string().nullable(),
    notes: z.string(),
    seriesIds: z.array(z.uuid()).meta({ description: 'Series it appears in that you may see' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Victim' });

export const OffenderBody = z
  .object({
    id: z.uuid(),
    code: z.string(),
    agencyId: z.uuid(),
    own: z.boolean(),
    identified: z.boolean(),
    arrestedAt: z.string().nullable(),
    notes: z.string(),
    seriesIds: z.array(z.uuid()),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Offender' });

export const VictimList = z.object({ victims: z.array(VictimBody) }).meta({ id: 'VictimList' });
export const OffenderList = z.object({ offenders: z.array(OffenderBody) }).meta({ id: 'OffenderList' });

const victimFields = {
  sex: z.enum(SEXES).optional(),
  ageMin: Age.nullable()
    .optional()
    .meta({ description: 'Estimated age at the time of production, lower bound' }),
  ageMax: Age.nullable().optional(),
  identified: z.boolean().optional(),
  identifiedAt: Day.nullable().optional(),
  safeguardedAt: Day.nullable().optional(),
  notes: Text(10_000).optional(),
};
const offenderFields = {
  identified: z.boolean().optional(),
  arrestedAt: Day.nullable().optional(),
  notes: Text(10_000).optional(),
};
const links = { code: Code.optional(), seriesIds: z.array(z.uuid()).max(100).optional() };

export const CreateVictimRequest = z
  .object({ ...victimFields, ...links })
  .strict()
  .meta({ id: 'CreateVictimRequest' });
export const CreateOffenderRequest = z
  .object({ ...offenderFields, ...links })
  .strict()
  .meta({ id: 'CreateOffenderRequest' });
export const UpdateVictimRequest = z.object(victimFields).strict().meta({ id: 'UpdateVictimRequest' });
export const UpdateOffenderRequest = z.object(offenderFields).strict().meta({ id: 'UpdateOffenderRequest' });

export const IdentifyVictimRequest = z
  .object({ identifiedAt: Day.optional(), safeguardedAt: Day.nullable().optional() })
  .strict()
  .meta({ id: 'IdentifyVictimRequest' });

export const PersonIdParams = z.object({ id: z.uuid() }).strict();
export const SeriesPersonParams = z.object({ id: z.uuid(), personId: z.uuid() }).strict();
export const PeopleQuery = z.object({ seriesId: z.uuid().optional() }).strict();
