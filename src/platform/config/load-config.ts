import os from 'node:os';
import path from 'node:path';
import { ConfigSchema, type Config } from '#haven/platform/config/config.schema.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** Values given on the command line; they win over the environment. */
export interface ConfigFlags {
  readonly dataDir?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly logFormat?: string | undefined;
  readonly operator?: string | undefined;
  readonly pdqMaxDistance?: number | undefined;
  readonly port?: number | undefined;
  readonly listen?: string | undefined;
  readonly portalDir?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Builds and validates the configuration from flags, then HAVEN_* environment variables, then
 * defaults. This is the only place that reads the environment.
 */
export function loadConfig(flags: ConfigFlags = {}, env: Env = process.env): Config {
  const stderrIsTty = process.stderr.isTTY;
  const raw = {
    dataDir: path.resolve(flags.dataDir ?? emptyToUndefined(env.HAVEN_DATA_DIR) ?? './haven-data'),
    databaseUrl: flags.databaseUrl ?? emptyToUndefined(env.DATABASE_URL),
    evidenceKey: emptyToUndefined(env.HAVEN_EVIDENCE_KEY),
    evidenceKeyFile: emptyToUndefined(env.HAVEN_EVIDENCE_KEY_FILE),
    operator: flags.operator ?? env.HAVEN_OPERATOR ?? safeUserName(),
    host: env.HAVEN_HOST ?? os.hostname(),
    log: {
      level: flags.logLevel ?? env.HAVEN_LOG_LEVEL,
      format: flags.logFormat ?? env.HAVEN_LOG_FORMAT ?? (stderrIsTty ? 'pretty' : 'json'),
    },
    matching: {
      pdqMaxDistance: flags.pdqMaxDistance ?? emptyToUndefined(env.HAVEN_PDQ_MAX_DISTANCE),
      pdqMinQuality: emptyToUndefined(env.HAVEN_PDQ_MIN_QUALITY),
      dihedral: parseBoolean(env.HAVEN_PDQ_DIHEDRAL),
    },
    limits: {
      maxImagePixels: emptyToUndefined(env.HAVEN_MAX_IMAGE_PIXELS),
      archiveMaxEntries: emptyToUndefined(env.HAVEN_ARCHIVE_MAX_ENTRIES),
      archiveMaxDepth: emptyToUndefined(env.HAVEN_ARCHIVE_MAX_DEPTH),
      archiveMaxTotalBytes: emptyToUndefined(env.HAVEN_ARCHIVE_MAX_TOTAL_BYTES),
      archiveMaxRatio: emptyToUndefined(env.HAVEN_ARCHIVE_MAX_RATIO),
      nestedArchiveMaxBytes: emptyToUndefined(env.HAVEN_NESTED_ARCHIVE_MAX_BYTES),
      maxImageBytes: emptyToUndefined(env.HAVEN_MAX_IMAGE_BYTES),
    },
    server: {
      port: flags.port ?? emptyToUndefined(env.HAVEN_PORT),
      listen: flags.listen ?? emptyToUndefined(env.HAVEN_LISTEN),
      trustProxy: parseBoolean(env.HAVEN_TRUST_PROXY),
      secureCookies: parseBoolean(env.HAVEN_SECURE_COOKIES),
      sessionIdleMinutes: emptyToUndefined(env.HAVEN_SESSION_IDLE_MINUTES),
      sessionAbsoluteHours: emptyToUndefined(env.HAVEN_SESSION_ABSOLUTE_HOURS),
      lockoutThreshold: emptyToUndefined(env.HAVEN_LOCKOUT_THRESHOLD),
      lockoutMinutes: emptyToUndefined(env.HAVEN_LOCKOUT_MINUTES),
      loginFailuresPerAddress: emptyToUndefined(env.HAVEN_LOGIN_FAILURES_PER_ADDRESS),
      passwordCost: emptyToUndefined(env.HAVEN_PASSWORD_COST),
      jsonBodyLimit: emptyToUndefined(env.HAVEN_JSON_BODY_LIMIT),
      uploadFileLimit: emptyToUndefined(env.HAVEN_UPLOAD_FILE_LIMIT),
      uploadFilesPerRequest: emptyToUndefined(env.HAVEN_UPLOAD_FILES_PER_REQUEST),
      idleTimeoutSeconds: emptyToUndefined(env.HAVEN_IDLE_TIMEOUT_SECONDS),
      indexRefreshSeconds: emptyToUndefined(env.HAVEN_INDEX_REFRESH_SECONDS),
      jobConcurrency: emptyToUndefined(env.HAVEN_JOB_CONCURRENCY),
      jobLeaseSeconds: emptyToUndefined(env.HAVEN_JOB_LEASE_SECONDS),
    },
    localAgency: {
      name: emptyToUndefined(env.HAVEN_LOCAL_AGENCY),
      country: emptyToUndefined(env.HAVEN_LOCAL_AGENCY_COUNTRY),
    },
    workers: {
      imageThreads:
        emptyToUndefined(env.HAVEN_IMAGE_THREADS) ?? Math.max(1, Math.min(os.availableParallelism(), 8)),
      ingestConcurrency: emptyToUndefined(env.HAVEN_INGEST_CONCURRENCY),
    },
    video: {
      scanPerSecond: emptyToUndefined(env.HAVEN_VIDEO_SCAN_PER_SECOND),
      collapseDistance: emptyToUndefined(env.HAVEN_VIDEO_COLLAPSE_DISTANCE),
      sceneDistance: emptyToUndefined(env.HAVEN_VIDEO_SCENE_DISTANCE),
      minShare: emptyToUndefined(env.HAVEN_VIDEO_MIN_SHARE),
      hashSide: emptyToUndefined(env.HAVEN_VIDEO_HASH_SIDE),
    },
    webApp: {
      dir: emptyToUndefined(env.HAVEN_WEB_DIR),
    },
    portal: {
      dir: path.resolve(
        flags.portalDir ??
          emptyToUndefined(env.HAVEN_PORTAL_DIR) ??
          path.join(flags.dataDir ?? emptyToUndefined(env.HAVEN_DATA_DIR) ?? './haven-data', 'portal'),
      ),
      port: emptyToUndefined(env.HAVEN_PORTAL_PORT),
      tipsPerHour: emptyToUndefined(env.HAVEN_PORTAL_TIPS_PER_HOUR),
      minFormSeconds: emptyToUndefined(env.HAVEN_PORTAL_MIN_FORM_SECONDS),
      powBits: emptyToUndefined(env.HAVEN_PORTAL_POW_BITS),
    },
    faces: {
      matchThreshold: emptyToUndefined(env.HAVEN_FACE_MATCH_THRESHOLD),
      minQuality: emptyToUndefined(env.HAVEN_FACE_MIN_QUALITY),
    },
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw havenError('CONFIG_INVALID', { issues });
  }
  return parsed.data;
}

// An empty variable means unset: coerced, '' would become 0 (or the working directory).
function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** true/false, 1/0, yes/no, on/off; anything else is passed on for the schema to reject. */
function parseBoolean(value: string | undefined): boolean | string | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const normalised = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalised)) {
    return true;
  }
  if (['0', 'false', 'no', 'off'].includes(normalised)) {
    return false;
  }
  return value;
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
