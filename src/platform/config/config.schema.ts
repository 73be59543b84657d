import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/** The whole configuration of a Haven process. Validated once at start; passed down, never re-read. */
export const ConfigSchema = z.object({
  dataDir: z.string().min(1),
  /** postgres://... selects a PostgreSQL server; absent means the embedded database in the data dir. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** 32-byte evidence encryption key, base64 or hex. */
  evidenceKey: z.string().optional(),
  evidenceKeyFile: z.string().optional(),
  operator: z.string().min(1),
  host: z.string().min(1),
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    format: z.enum(['pretty', 'json']).default('pretty'),
  }),
  matching: z.object({
    pdqMaxDistance: z.coerce.number().int().min(0).max(128).default(31),
    pdqMinQuality: z.coerce.number().int().min(0).max(100).default(50),
    /** Also query the 8 rotated/flipped variants of every probe. */
    dihedral: z.boolean().default(true),
  }),
  limits: z.object({
    /** Decoded images above this many pixels are refused (decompression bombs). */
    maxImagePixels: positiveInt.default(178_956_970),
    archiveMaxEntries: positiveInt.default(200_000),
    archiveMaxDepth: positiveInt.default(8),
    /** Total uncompressed bytes one top-level archive may expand to. */
    archiveMaxTotalBytes: positiveInt.default(256 * 1024 ** 3),
    /** An entry whose uncompressed/compressed ratio is above this is refused (zip bomb). */
    archiveMaxRatio: positiveInt.default(1_000),
    /** Nested archives are opened in memory up to this size. */
    nestedArchiveMaxBytes: positiveInt.default(2 * 1024 ** 3),
    /** Images are read into memory for decoding up to this size; larger ones are stored, not decoded. */
    maxImageBytes: positiveInt.default(512 * 1024 ** 2),
  }),
  workers: z.object({
    /** Threads that decode and hash images. */
    imageThreads: positiveInt.max(64),
    /** Files processed concurrently per ingest worker. */
    ingestConcurrency: positiveInt.max(256).default(6),
  }),
});

export type Config = z.infer<typeof ConfigSchema>;
