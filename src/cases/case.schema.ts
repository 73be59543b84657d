import { z } from 'zod';

export const SharingLevel = z.enum(['agency', 'selected', 'network']).meta({
  description:
    'agency: the owning agency only; selected: also the listed agencies; network: every member agency',
});

export const CaseBody = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    title: z.string().nullable(),
    agencyId: z.uuid().nullable(),
    sharing: SharingLevel,
    sharedWith: z.array(z.uuid()),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    /** Whether the caller's agency owns it (owners ingest into it and change its sharing). */
    own: z.boolean(),
  })
  .meta({ id: 'Case' });

export const CaseList = z.object({ cases: z.array(CaseBody) }).meta({ id: 'CaseList' });

export const CreateCaseRequest = z
  .object({
    reference: z.string().min(1).max(128),
    title: z.string().max(200).optional(),
  })
  .strict()
  .meta({ id: 'CreateCaseRequest' });

export const SharingRequest = z
  .object({
    sharing: SharingLevel,
    agencies: z.array(z.uuid()).max(500).default([]),
  })
  .strict()
  .meta({ id: 'SharingRequest' });

export const CaseIdParams = z.object({ id: z.uuid() }).strict();
export const CaseListQuery = z.object({ reference: z.string().max(128).optional() }).strict();
