import { hkdfSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { HAVEN_VERSION } from '#haven/app/version.js';
import { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import { ingestJobHandler } from '#haven/ingest/ingest.jobs.js';
import { IngestService } from '#haven/ingest/ingest.service.js';
import { LookupService } from '#haven/ingest/lookup.service.js';
import { SignalIndexes } from '#haven/matching/signal-indexes.js';
import { TriageService } from '#haven/matching/triage.service.js';
import type { PerceptualSettings } from '#haven/matching/triage.types.js';
import type { Config } from '#haven/platform/config/config.schema.js';
import { lockDataDir } from '#haven/platform/data-dir/data-dir-lock.js';
import type { Database } from '#haven/platform/db/database.js';
import { databaseId } from '#haven/platform/db/database-id.js';
import { migrate } from '#haven/platform/db/migrate.js';
import { MIGRATIONS } from '#haven/platform/db/migrations/index.js';
import { openPgliteDatabase } from '#haven/platform/db/pglite-database.js';
import { openPostgresDatabase } from '#haven/platform/db/postgres-database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { FsBlobStore } from '#haven/platform/evidence/fs-blob-store.js';
import { DEFAULT_KEY_FILE, loadEvidenceKey } from '#haven/platform/evidence/evidence-key.js';
import { jobQueue } from '#haven/platform/jobs/job-queue.js';
import { JobRunner } from '#haven/platform/jobs/job-runner.js';
import type { Logger } from '#haven/platform/log/logger.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';
import { HashSetMatcher } from '#haven/sharing/hash-set-matcher.js';
import { vpdqSignal } from '#haven/signals/vpdq/vpdq-signal.js';
import { videoJobHandler } from '#haven/video/video.jobs.js';
import { VideoService } from '#haven/video/video.service.js';
import { VideoTriage } from '#haven/video/video-triage.js';
import { ProviderService } from '#haven/sharing/provider/provider.service.js';
import { CategorisationService } from '#haven/sharing/categories/categorisation.service.js';
import { AppealService } from '#haven/appeals/appeal.service.js';
import { PortalFolder } from '#haven/portal/exchange/portal-folder.js';
import { TipService } from '#haven/tips/tip.service.js';
import { faceMediaJobHandler, faceScanJobHandler } from '#haven/faces/face.jobs.js';
import { FaceService } from '#haven/faces/face.service.js';
import { ocrMediaJobHandler, ocrScanJobHandler } from '#haven/ocr/ocr.jobs.js';
import { OcrEngine } from '#haven/ocr/ocr-engine.js';
import { OcrService } from '#haven/ocr/ocr.service.js';
import { mediaPictures } from '#haven/app/media-pictures.js';
import { similarityJobHandler } from '#haven/similarity/similarity.jobs.js';
import { similarityGlobalJobHandler } from '#haven/similarity/similarity-global.jobs.js';
import { SIMILARITY_DEFAULTS } from '#haven/similarity/similarity-defaults.js';
import { SimilarityService } from '#haven/similarity/similarity.service.js';

/** One opened Haven: its data directory, database, stores, indexes and services. */
export interface Haven {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Database;
  readonly originals: FsBlobStore;
  readonly previews: FsBlobStore;
  readonly indexes: SignalIndexes;
  readonly triage: TriageService;
  readonly ingests: IngestService;
  readonly lookups: LookupService;
  readonly jobs: JobRunner;
  /** Imported hash sets held in memory for matching (triage, lookups, the provider API). */
  readonly hashSets: HashSetMatcher;
  readonly videos: VideoService;
  /** The hash-only API for provider organisations. */
  readonly providers: ProviderService;
  /** Per-medium categorisation with history. */
  readonly categories: CategorisationService;
  /** Key for small secrets kept in the database (TOTP seeds), derived from the evidence key. */
  readonly secretsKey: Buffer;
  /** The folder shared with the public portal (published appeal copies, incoming tips). */
  readonly portal: PortalFolder;
  /** Public appeals under the two-person rule. */
  readonly appeals: AppealService;
  /** Tips from the public and their triage. */
  readonly tips: TipService;
  /** Faces: opt-in per agency, detection, search, suggestions. */
  readonly faces: FaceService;
  /** Text read in images (OCR) and the clues it gives. */
  readonly texts: OcrService;
  /** Place and object search (local features). */
  readonly similarity: SimilarityService;
  close(): Promise<void>;
}

/**
 * Opens the data directory (exclusively), the database (migrated), the evidence stores and the
 * indexes, and wires the services. The caller closes it.
 */
export async function openHaven(config: Config, log: Logger): Promise<Haven> {
  const dataDir = config.dataDir;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw havenError('DATA_DIR_UNUSABLE', { dataDir, reason: (error as Error).message });
  }
  const lock = lockDataDir(dataDir);
  const cleanups: (() => Promise<void> | void)[] = [
    () => {
      lock.release();
    },
  ];
  try {
    const key = loadEvidenceKey({ ...config, dataDir });
    if (key.source === 'generated') {
      log.warn(
        `No evidence key was configured: generated one in ${path.join(dataDir, DEFAULT_KEY_FILE)}. ` +
          'Back it up and keep it apart from the data (set HAVEN_EVIDENCE_KEY or HAVEN_EVIDENCE_KEY_FILE); ' +
          'without it the stored evidence cannot be read.',
      );
    }
    const db = await openDatabase(config);
    cleanups.unshift(() => db.close());
    await migrate(db, MIGRATIONS);
    if (db.dialect === 'pglite') {
      // The data-dir lock makes this process the only user: any job marked running was orphaned.
      // (On a server, claim() takes over a job whose worker's connection, and lock, is gone.)
      await jobQueue.recoverOrphans(db);
    }
    const originals = await new FsBlobStore(path.join(dataDir, 'evidence', 'originals'), key).init();
    const previews = await new FsBlobStore(path.join(dataDir, 'evidence', 'previews'), key).init();
    const { matching } = config;
    const indexes = await SignalIndexes.open({
      db,
      dir: path.join(dataDir, 'indexes'),
      databaseId: await databaseId(db),
      signals: [
        { signal: pdqSignal, minQuality: matching.pdqMinQuality },
        { signal: vpdqSignal, minQuality: matching.pdqMinQuality },
      ],
      log,
    });
    const settings = new Map<string, PerceptualSettings>([
      [
        pdqSignal.name,
        {
          maxDistance: matching.pdqMaxDistance,
          minQuality: matching.pdqMinQuality,
          useVariants: matching.dihedral,
        },
      ],
      [
        vpdqSignal.name,
        { maxDistance: matching.pdqMaxDistance, minQuality: matching.pdqMinQuality, useVariants: false },
      ],
    ]);
    const hashSets = new HashSetMatcher({
      maxDistance: matching.pdqMaxDistance,
      minQuality: matching.pdqMinQuality,
    });
    const videoTriage = new VideoTriage(indexes, {
      maxDistance: matching.pdqMaxDistance,
      minQuality: matching.pdqMinQuality,
      minShare: config.video.minShare,
    });
    const triage = new TriageService(indexes, settings, hashSets, (db, mediaId, hashes) =>
      videoTriage.offsetsOfImage(db, mediaId, hashes),
    );
    const analyser = new ImageAnalyser(config.workers.imageThreads);
    cleanups.unshift(() => analyser.close());
    const ingests = new IngestService({
      config,
      db,
      originals,
      previews,
      analyser,
      indexes,
      triage,
      log,
      toolVersion: `haven ${HAVEN_VERSION}`,
    });
    const videos = new VideoService({
      db,
      originals,
      previews,
      indexes,
      triage: videoTriage,
      sampling: {
        scanPerSecond: config.video.scanPerSecond,
        collapseDistance: config.video.collapseDistance,
        sceneDistance: config.video.sceneDistance,
        hashSide: config.video.hashSide,
      },
      workDir: path.join(dataDir, 'work'),
      log,
    });
    const lookups = new LookupService({
      config,
      db,
      analyser,
      triage,
      videos: (video, queryable) => videos.lookup(video, queryable),
    });
    const pictures = mediaPictures({ originals, previews, videos });
    const faces = new FaceService({
      db,
      originals,
      ...pictures,
      log,
      matchThreshold: config.faces.matchThreshold,
      minQuality: config.faces.minQuality,
    });
    const texts = new OcrService({ db, pictures: pictures.pictures, log });
    cleanups.unshift(() => OcrEngine.closeShared());
    const similarity = new SimilarityService({
      db,
      originals,
      log,
      indexFile: path.join(dataDir, 'indexes', 'similarity-orb.bin'),
      maxPixels: config.limits.maxImagePixels,
      ...SIMILARITY_DEFAULTS,
    });
    cleanups.unshift(() => similarity.saveIndex());
    const jobs = new JobRunner({
      db,
      handlers: [
        ingestJobHandler(ingests),
        videoJobHandler(videos),
        faceScanJobHandler(faces),
        ocrScanJobHandler(texts),
        similarityJobHandler(similarity),
        faceMediaJobHandler(faces),
        ocrMediaJobHandler(texts),
        similarityGlobalJobHandler(similarity),
      ],
      log,
      leaseMs: config.server.jobLeaseSeconds * 1000,
    });
    cleanups.unshift(() => indexes.save());
    const secretsKey = Buffer.from(hkdfSync('sha256', key.key, Buffer.alloc(0), 'haven secrets v1', 32));
    const providers = new ProviderService({ db, hashSets, secretsKey });
    const categories = new CategorisationService({ db, hashSets });
    const portal = await new PortalFolder(config.portal.dir).init();
    const appeals = new AppealService({
      db,
      originals,
      portal,
      maxImagePixels: config.limits.maxImagePixels,
    });
    const tips = new TipService({ db, portal, appeals, log });
    await appeals.syncPortal();
    let closed = false;
    return {
      config,
      log,
      db,
      originals,
      previews,
      indexes,
      triage,
      ingests,
      lookups,
      jobs,
      hashSets,
      videos,
      providers,
      categories,
      secretsKey,
      portal,
      appeals,
      tips,
      faces,
      texts,
      similarity,
      async close() {
        if (closed) {
          return;
        }
        closed = true;
        await jobs.stop();
        await runCleanups(cleanups);
      },
    };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

async function openDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) {
    return openPostgresDatabase(config.databaseUrl);
  }
  return openPgliteDatabase(path.join(config.dataDir, 'db'));
}

async function runCleanups(cleanups: readonly (() => Promise<void> | void)[]): Promise<void> {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch {
      // Closing goes on: each resource is released even if another one fails to close.
    }
  }
}
