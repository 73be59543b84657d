import { z } from 'zod';
import { CountryCode, SeriesStatusSchema, Text, Title } from '#haven/series/series.schema.js';
import { SPRINT_OUTCOMES } from '#haven/taskforce/sprint.types.js';

const Day = z.iso.date().meta({ description: 'A calendar date, YYYY-MM-DD' });

export const AssignmentBody = z
  .object({
    seriesId: z.uuid(),
    series: z
      .object({ number: z.string(), title: z.string(), status: SeriesStatusSchema })
      .nullable()
      .meta({ description: 'The series as you may see it (null: no longer shared with your agency)' }),
    assignedAgencyId: z.uuid(),
    outcome: z.enum(SPRINT_OUTCOMES),
    probableCountry: z.string().nullable(),
    note: z.string(),
    evaluatedAt: z.iso.datetime().nullable(),
    evaluatedBy: z.string().nullable(),
    disseminatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'SprintAssignment' });

export const SprintBody = z
  .object({
    id: z.uuid(),
    name: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
    agencyId: z.uuid().meta({ description: 'The coordinating agency' }),
    agencies: z
      .array(z.uuid())
      .meta({ description: 'Participating agencies, the coordinating one included' }),
    coordinating: z.boolean().meta({ description: 'Whether your agency coordinates the sprint' }),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Sprint' });

export const SprintDetail = SprintBody.extend({ assignments: z.array(AssignmentBody) }).meta({
  id: 'SprintDetail',
});
export const SprintList = z.object({ sprints: z.array(SprintBody) }).meta({ id: 'SprintList' });

export const CreateSprintRequest = z
  .object({
    name: Title,
    startsOn: Day,
    endsOn: Day,
    agencies: z.array(z.uuid()).min(1).max(200).meta({ description: 'Participating agencies' }),
  })
  .strict()
  .meta({ id: 'CreateSprintRequest' });

export const AssignRequest = z
  .object({
    seriesId: z.uuid(),
    agencyId: z.uuid().meta({ description: 'The participating agency to evaluate it' }),
  })
  .strict()
  .meta({ id: 'SprintAssignRequest' });

export const OutcomeRequest = z
  .object({
    outcome: z.enum(SPRINT_OUTCOMES),
    probableCountry: CountryCode.nullable().default(null),
    note: Text(10_000).default(''),
  })
  .strict()
  .meta({ id: 'SprintOutcomeRequest' });

export const SprintReport = z
  .object({
    sprint: SprintBody,
    seriesAssigned: z.number().int(),
    seriesEvaluated: z.number().int(),
    countriesFound: z.array(z.object({ country: z.string(), series: z.number().int() })),
    seriesDisseminated: z.number().int(),
    victimsIdentified: z
      .number()
      .int()
      .meta({ description: 'Assigned series whose victim is identified (by now)' }),
    byAgency: z.array(
      z.object({ agencyId: z.uuid(), assigned: z.number().int(), evaluated: z.number().int() }),
    ),
  })
  .meta({ id: 'SprintReport' });

const PackagedSeries = z.object({
  number: z.string(),
  title: z.string(),
  status: z.string(),
  owner: z.object({ agency: z.string(), country: z.string(), contact: z.string().nullable() }),
  finding: z.object({ country: z.string(), note: z.string(), evaluatedAt: z.string().nullable() }),
  victims: z.array(
    z.object({
      code: z.string(),
      sex: z.string(),
      ageMin: z.number().nullable(),
      ageMax: z.number().nullable(),
    }),
  ),
  clues: z.array(
    z.object({
      kind: z.string(),
      note: z.string(),
      mediaSha256: z.string(),
      rect: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
    }),
  ),
  hashes: z.array(
    z.object({
      kind: z.string(),
      width: z.number().nullable(),
      height: z.number().nullable(),
      values: z
        .record(z.string(), z.string())
        .meta({ description: 'Signal name -> value (md5, sha1, sha256, pdq)' }),
    }),
  ),
  mediaIncluded: z.literal(false),
});

export const DisseminationPackageBody = z
  .object({
    format: z.literal('haven-dissemination/1'),
    country: z.string(),
    generatedAt: z.iso.datetime(),
    sprint: z.object({ name: z.string(), startsOn: z.string(), endsOn: z.string(), coordinator: z.string() }),
    series: z.array(PackagedSeries),
    withheld: z
      .number()
      .int()
      .meta({ description: 'Series for the country no longer shared with the coordinator' }),
  })
  .meta({ id: 'DisseminationPackage' });

export const SprintIdParams = z.object({ id: z.uuid() }).strict();
export const SprintSeriesParams = z.object({ id: z.uuid(), seriesId: z.uuid() }).strict();
export const SprintCountryParams = z.object({ id: z.uuid(), country: CountryCode }).strict();

export const DisseminatedBody = z
  .object({
    country: z.string(),
    series: z.array(z.string()).meta({ description: 'Numbers of the series sent' }),
  })
  .meta({ id: 'Disseminated' });
