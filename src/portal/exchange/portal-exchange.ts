import { z } from 'zod';

/**
 * What the workspace and the public portal exchange through a shared folder, and nothing else:
 * published copies of live appeals (`published/`) and tips the public sent (`tips/`). The portal
 * process needs no database, no evidence key and no internal identifier: only this folder.
 */

export const PORTAL_LANGUAGES = ['en', 'fr', 'de', 'es'] as const;
export type PortalLanguage = (typeof PORTAL_LANGUAGES)[number];

export const APPEAL_TYPES = ['object', 'wanted_person', 'missing_child'] as const;
export type AppealType = (typeof APPEAL_TYPES)[number];

/** Random, URL-safe, unrelated to any internal id (also what makes a file name safe). */
export const PUBLIC_ID = /^[a-z0-9]{16}$/;

export const AppealText = z
  .object({
    title: z.string().min(3).max(120),
    description: z.string().max(2000),
    questions: z.array(z.string().min(3).max(300)).max(10),
  })
  .strict();
export type AppealText = z.infer<typeof AppealText>;

export const AppealPerson = z
  .object({
    name: z.string().min(1).max(200),
    /** wanted_person */
    offence: z.string().max(300).default(''),
    issuingAgency: z.string().max(200).default(''),
    /** missing_child */
    age: z.number().int().min(0).max(25).nullable().default(null),
    dateMissing: z.iso.date().nullable().default(null),
    placeMissing: z.string().max(200).default(''),
  })
  .strict();
export type AppealPerson = z.infer<typeof AppealPerson>;

export const PublishedAppeal = z
  .object({
    publicId: z.string().regex(PUBLIC_ID),
    type: z.enum(APPEAL_TYPES),
    texts: z.partialRecord(z.enum(PORTAL_LANGUAGES), AppealText),
    person: AppealPerson.nullable(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .nullable(),
    region: z.string().max(100),
    publishedAt: z.iso.datetime(),
    image: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  })
  .strict();
export type PublishedAppeal = z.infer<typeof PublishedAppeal>;

/** Figures the public statistics page shows (entered and counted inside the workspace). */
export const PublicFigures = z
  .object({
    appealsPublished: z.number().int().min(0),
    tipsReceived: z.number().int().min(0),
    countriesFound: z.number().int().min(0),
    childrenIdentified: z.number().int().min(0),
    updatedAt: z.iso.datetime(),
  })
  .strict();
export type PublicFigures = z.infer<typeof PublicFigures>;

export const TIP_LIMITS = {
  body: 4000,
  country: 80,
  city: 120,
  seenWhere: 300,
  seenWhen: 120,
  contact: 200,
} as const;

export const TipSubmission = z
  .object({
    id: z.uuid(),
    appealPublicId: z.string().regex(PUBLIC_ID),
    language: z.enum(PORTAL_LANGUAGES),
    body: z.string().min(1).max(TIP_LIMITS.body),
    country: z.string().max(TIP_LIMITS.country),
    city: z.string().max(TIP_LIMITS.city),
    seenWhere: z.string().max(TIP_LIMITS.seenWhere),
    seenWhen: z.string().max(TIP_LIMITS.seenWhen),
    contact: z.string().max(TIP_LIMITS.contact),
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    receivedAt: z.iso.datetime(),
  })
  .strict();
export type TipSubmission = z.infer<typeof TipSubmission>;

export const portalPaths = {
  published: 'published',
  tips: 'tips',
  figures: 'figures.json',
} as const;
