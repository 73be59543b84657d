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
  server: z.object({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Address to listen on; loopback unless deliberately exposed (put TLS in front). */
    listen: z.string().min(1).default('127.0.0.1'),
    /** Trust X-Forwarded-For from a reverse proxy (for client addresses in the audit log). */
    trustProxy: z.boolean().default(false),
    /** Cookies marked Secure (browsers still send them to http://localhost). */
    secureCookies: z.boolean().default(true),
    sessionIdleMinutes: positiveInt.default(30),
    sessionAbsoluteHours: positiveInt.default(12),
    /** Failed logins before an account is locked, and for how long. */
    lockoutThreshold: positiveInt.default(5),
    lockoutMinutes: positiveInt.default(15),
    /** Failed logins allowed per client address per 15 minutes. */
    loginFailuresPerAddress: positiveInt.default(30),
    /** scrypt cost of password hashes as log2(N); below 15 only to make tests fast. */
    passwordCost: z.coerce.number().int().min(10).max(20).default(15),
    jsonBodyLimit: positiveInt.default(1024 * 1024),
    uploadFileLimit: positiveInt.default(16 * 1024 ** 3),
    uploadFilesPerRequest: positiveInt.default(10_000),
    /** A client that sends nothing for this long is disconnected (slow-client guard). */
    idleTimeoutSeconds: positiveInt.default(60),
    /** How often the match indexes pick up what other processes stored. */
    indexRefreshSeconds: positiveInt.default(5),
    /** Jobs this process runs at the same time. */
    jobConcurrency: positiveInt.max(32).default(2),
    jobLeaseSeconds: positiveInt.default(60),
  }),
  /** Agency that owns cases created from the local command line (created on first use). */
  localAgency: z.object({
    name: z.string().min(1).default('Local'),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default('XX'),
  }),
  workers: z.object({
    /** Threads that decode and hash images. */
    imageThreads: positiveInt.max(64),
    /** Files processed concurrently per ingest worker. */
    ingestConcurrency: positiveInt.max(256).default(6),
  }),
  /** Video analysis (frames, vPDQ, sound). */
  video: z
    .object({
      /**
       * Frames hashed per second of video. vPDQ's own default (1) misses copies cut between two
       * samples; at 5 with the collapse below, clips cut at any tested offset match unless nothing
       * in them is hashable (see src/video/README.md for the rates per transformation).
       */
      scanPerSecond: z.coerce.number().positive().max(60).default(5),
      /** A scanned frame within this PDQ distance of the last kept one is not kept (still shots cost one row). */
      collapseDistance: z.coerce.number().int().min(0).max(31).default(12),
      /** PDQ distance between consecutive scanned frames that marks a scene change (keyframe). */
      sceneDistance: z.coerce.number().int().min(1).max(256).default(80),
      /** Share (0-1) of distinct frames, either way round, that makes two videos match. */
      minShare: z.coerce.number().min(0).max(1).default(0.8),
      /** Frames are scaled down to this longer side before hashing (0: the coded size, as vPDQ). */
      hashSide: z.coerce.number().int().min(0).max(8192).default(640),
    })
    .default({ scanPerSecond: 5, collapseDistance: 12, sceneDistance: 80, minShare: 0.8, hashSide: 640 }),
  webApp: z.object({
    /** The built investigators' app served at `/`; absent: web/dist of the installed package. */
    dir: z.string().min(1).optional(),
  }),
  /** The public appeals portal and the folder it shares with the workspace. */
  portal: z.object({
    /** Published appeal copies and incoming tips; default <dataDir>/portal. */
    dir: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535).default(8090),
    /** Tips one client address may send per hour. */
    tipsPerHour: positiveInt.max(10_000).default(5),
    /** A tip form sent sooner than this after it was served is refused (bots fill forms at once). */
    minFormSeconds: z.coerce.number().int().min(0).max(600).default(4),
    /** Leading zero bits of the browser's proof of work (with JavaScript it replaces the wait). */
    powBits: z.coerce.number().int().min(4).max(24).default(14),
  }),
  /** Faces (opt-in per agency) and text read in images. */
  faces: z
    .object({
      /** Cosine similarity of two face embeddings from which they are suggested as one person. */
      matchThreshold: z.coerce.number().min(0).max(1).default(0.55),
      /** Faces below this quality (size x detector confidence) are stored but not suggested. */
      minQuality: z.coerce.number().min(0).max(1).default(0.25),
    })
    .default({ matchThreshold: 0.55, minQuality: 0.25 }),
});

export type Config = z.infer<typeof ConfigSchema>;
