import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { renderPreviews } from '#haven/ingest/image/previews.js';
import { ingestItemsService } from '#haven/ingest/ingest-items.service.js';
import { enqueueMediaScans } from '#haven/ingest/media-scans.js';
import { mediaService } from '#haven/media/media.service.js';
import type { SignalIndexes } from '#haven/matching/signal-indexes.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';
import { havenError, isHavenError } from '#haven/platform/errors/haven-error.js';
import type { TriageMatch, TriageResult } from '#haven/matching/triage.types.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';
import type { Logger } from '#haven/platform/log/logger.js';
import { vpdqSignal } from '#haven/signals/vpdq/vpdq-signal.js';
import { renderContactSheet } from '#haven/video/contact-sheet.js';
import { analyseVideoFile, type FileAnalysis } from '#haven/video/video-analyser.js';
import { pendingVideoJobs, videoRepository } from '#haven/video/video.repository.js';
import { VIDEO_QUEUE } from '#haven/video/video-queue.js';
import type { VideoTriage } from '#haven/video/video-triage.js';
import type {
  FrameRow,
  StoredFrame,
  VideoAnalysis,
  VideoSampling,
  VideoSummary,
} from '#haven/video/video.types.js';
import { fingerprintItems } from '#haven/video/audio-fingerprint.js';
import { matchAudio, type AudioSegment } from '#haven/video/audio-match.js';
import { extractFrame, framePicture } from '#haven/video/extract-frame.js';
import { soundMatches } from '#haven/video/sound-triage.js';

export interface VideoServiceDeps {
  readonly db: Database;
  readonly originals: BlobStore;
  readonly previews: BlobStore;
  readonly indexes: SignalIndexes;
  readonly triage: VideoTriage;
  readonly sampling: VideoSampling;
  /** Where a decrypted working copy lives while ffmpeg reads it (inside the data directory). */
  readonly workDir: string;
  readonly log: Logger;
}

/** Video analysis after ingest: probe, frames, hashes, pictures, sound, and the deferred triage. */
export class VideoService {
  readonly #deps: VideoServiceDeps;

  constructor(deps: VideoServiceDeps) {
    this.#deps = deps;
  }

  get sampling(): VideoSampling {
    return this.#deps.sampling;
  }

  /**
   * The job: analyses a stored video once and completes the ingest items waiting for it. Running
   * it again after a crash redoes the file work (pictures are content-addressed) and records once.
   */
  async analyse(mediaId: string, signal?: AbortSignal): Promise<void> {
    const { db, log } = this.#deps;
    const media = await mediaService.detail(db, mediaId);
    if (!media || media.kind !== 'video' || media.analysisState !== 'pending') {
      return;
    }
    let analysis: FileAnalysis;
    try {
      analysis = await this.withWorkingCopy(media.sha256, (file) =>
        analyseVideoFile(file, this.#deps.sampling, signal),
      );
    } catch (error) {
      if (!isHavenError(error) || error.code !== 'VIDEO_UNREADABLE') {
        throw error;
      }
      log.info('video could not be analysed', { mediaId, reason: error.message });
      await this.#recordFailure(mediaId, error.code, error.message);
      return;
    }
    const stored = await this.#storePictures(analysis);
    const added = await db.transaction(async (tx) => {
      const created = await videoRepository.insertAnalysis(tx, mediaId, stored, stored.contactSheetSha256);
      if (!created) {
        return [];
      }
      const values = distinctValues(stored.frames);
      const rows = await signalValuesService.record(tx, mediaId, values);
      const { probe } = analysis;
      await mediaService.completeDeferred(tx, mediaId, {
        analysisState: 'done',
        analysisError: null,
        width: probe.width,
        height: probe.height,
        metadata: {
          video: {
            container: probe.container,
            videoCodec: probe.videoCodec,
            audioCodec: probe.audioCodec,
            durationSeconds: probe.durationSeconds,
            fps: probe.fps,
            hasAudio: probe.hasAudio,
            createdAt: probe.createdAt,
            rotation: probe.rotation,
            framesKept: stored.frames.length,
          },
          previews: stored.contactSheet && {
            kind: 'contact-sheet',
            thumbnail: { width: stored.contactSheet.width, height: stored.contactSheet.height },
            blurred: { width: stored.contactSheet.width, height: stored.contactSheet.height },
            mime: 'image/webp',
          },
        },
        thumbnailSha256: stored.contactSheetSha256?.clear ?? null,
        blurredSha256: stored.contactSheetSha256?.blurred ?? null,
      });
      await this.#completeItems(tx, mediaId, stored.frames, stored.audioFingerprint);
      await enqueueMediaScans(tx, mediaId);
      return rows;
    });
    this.#deps.indexes.noteAdded(added);
  }

  /**
   * `haven match` for a video: analysed from the file (or a private copy of bytes read from an
   * archive) and matched against everything held; nothing is stored.
   */
  async lookup(
    video: { readonly filePath: Buffer | null; readonly bytes: Buffer | undefined },
    db: Queryable,
  ): Promise<TriageResult | { readonly problem: { code: ErrorCode; reason: string } }> {
    try {
      const analysis = video.bytes
        ? await this.#withBytes(video.bytes, (file) => analyseVideoFile(file, this.#deps.sampling))
        : await analyseVideoFile(video.filePath!.toString('utf8'), this.#deps.sampling);
      return await this.#deps.triage.triage(db, analysis.frames, {});
    } catch (error) {
      if (isHavenError(error) && error.code === 'VIDEO_UNREADABLE') {
        return { problem: { code: error.code, reason: error.message } };
      }
      throw error;
    }
  }

  async #withBytes<T>(bytes: Buffer, work: (file: string) => Promise<T>): Promise<T> {
    const dir = this.#deps.workDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `lookup-${randomUUID()}`);
    try {
      await writeFile(file, bytes, { mode: 0o600 });
      return await work(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  summary(mediaId: string): Promise<VideoSummary | undefined> {
    return videoRepository.summary(this.#deps.db, mediaId);
  }

  frames(mediaId: string): Promise<FrameRow[]> {
    return videoRepository.frames(this.#deps.db, mediaId);
  }

  /** A stored scene-frame picture (blurred greyscale or clear), or undefined. */
  async storedFramePicture(
    mediaId: string,
    position: number,
    variant: 'blurred' | 'clear',
  ): Promise<Buffer | undefined> {
    const frame = (await videoRepository.frames(this.#deps.db, mediaId)).find((f) => f.position === position);
    const blob = variant === 'clear' ? frame?.imageSha256 : frame?.blurredSha256;
    return blob ? this.#deps.previews.readAll(blob) : undefined;
  }

  /** The frame at `seconds`, decoded from the original on request, as a WebP picture. */
  async frameAt(
    mediaId: string,
    sha256: Uint8Array,
    seconds: number,
    variant: 'blurred' | 'clear',
    beforeShowing: () => Promise<unknown>,
  ): Promise<Uint8Array> {
    const summary = await videoRepository.summary(this.#deps.db, mediaId);
    if (!summary) {
      throw havenError('NOT_FOUND');
    }
    if (seconds > summary.durationSeconds) {
      throw havenError('VALIDATION_FAILED', {
        issues: `t: ${seconds} s is after the end (${summary.durationSeconds} s)`,
      });
    }
    const frame = await this.withWorkingCopy(sha256, (file) => extractFrame(file, summary, seconds));
    const picture = await framePicture(frame, variant);
    await beforeShowing();
    return picture;
  }

  /** Other analysed videos sharing a stretch of sound with this one, longest shared stretch first. */
  async audioMatches(mediaId: string): Promise<{ mediaId: string; segment: AudioSegment }[]> {
    const own = await videoRepository.audioFingerprint(this.#deps.db, mediaId);
    if (!own) {
      return [];
    }
    const items = fingerprintItems(own);
    const found: { mediaId: string; segment: AudioSegment }[] = [];
    for (const other of await videoRepository.audioFingerprints(this.#deps.db, mediaId)) {
      const segment = matchAudio(items, fingerprintItems(other.fingerprint));
      if (segment) {
        found.push({ mediaId: other.mediaId, segment });
      }
    }
    return found.sort((a, b) => b.segment.seconds - a.segment.seconds || a.mediaId.localeCompare(b.mediaId));
  }

  /**
   * A held video's matches among the other held media, from its stored frames and sound: videos
   * and images sharing pictures, then videos sharing a stretch of sound.
   */
  async heldMatches(mediaId: string): Promise<TriageMatch[]> {
    const { db, triage } = this.#deps;
    const frames = await videoRepository.frames(db, mediaId);
    const pictures = await triage.triage(db, frames, { excludeMediaId: mediaId });
    const fingerprint = await videoRepository.audioFingerprint(db, mediaId);
    const sound = await soundMatches(db, fingerprint && fingerprintItems(fingerprint), { mediaId });
    return [...pictures.matches, ...sound];
  }

  /** Analysis jobs of this ingest's videos still to run. */
  pendingJobs(ingestId: string): Promise<number> {
    return pendingVideoJobs(this.#deps.db, ingestId, VIDEO_QUEUE);
  }

  /** Writes the decrypted original to a private working file for the tools, removed afterwards. */
  async withWorkingCopy<T>(sha256: Uint8Array, work: (file: string) => Promise<T>): Promise<T> {
    const dir = this.#deps.workDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${hex(sha256)}-${randomUUID()}`);
    try {
      await pipeline(
        Readable.from(this.#deps.originals.read(sha256)),
        createWriteStream(file, { mode: 0o600 }),
      );
      return await work(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  async #recordFailure(mediaId: string, code: string, reason: string): Promise<void> {
    await this.#deps.db.transaction(async (tx) => {
      await mediaService.completeDeferred(tx, mediaId, {
        analysisState: 'error',
        analysisError: reason,
        width: null,
        height: null,
        metadata: null,
        thumbnailSha256: null,
        blurredSha256: null,
      });
      for (const item of await ingestItemsService.itemsAwaitingVideo(tx, mediaId)) {
        await ingestItemsService.setResult(tx, item.id, {
          status: 'error',
          matches: [],
          errorCode: code,
          error: reason,
        });
      }
    });
  }

  async #completeItems(
    tx: Queryable,
    mediaId: string,
    frames: readonly StoredFrame[],
    fingerprint: Uint32Array | null,
  ): Promise<void> {
    for (const item of await ingestItemsService.itemsAwaitingVideo(tx, mediaId)) {
      const result = await this.#deps.triage.triage(tx, frames, {
        excludeMediaId: mediaId,
        excludeIngestId: item.ingestId,
      });
      // Shared sound links videos whose pictures differ: listed after the picture matches.
      const sound = await soundMatches(tx, fingerprint, { mediaId, excludeIngestId: item.ingestId });
      await ingestItemsService.setResult(tx, item.id, {
        ...result,
        status: sound.length > 0 && result.status === 'new' ? 'near' : result.status,
        matches: [...result.matches, ...sound],
        errorCode: null,
        error: null,
      });
    }
  }

  async #storePictures(
    analysis: FileAnalysis,
  ): Promise<VideoAnalysis & { contactSheetSha256: { clear: Uint8Array; blurred: Uint8Array } | null }> {
    const { previews } = this.#deps;
    const frames: StoredFrame[] = [];
    for (const [position, frame] of analysis.frames.entries()) {
      let imageSha256: Uint8Array | null = null;
      let blurredSha256: Uint8Array | null = null;
      if (frame.picture && frame.sceneChange) {
        const rendered = await renderPreviews(frame.picture, 1);
        imageSha256 = (await previews.putBytes(rendered.thumbnail.bytes)).sha256;
        blurredSha256 = (await previews.putBytes(rendered.blurred.bytes)).sha256;
      }
      frames.push({
        position,
        hash: frame.hash,
        quality: frame.quality,
        seconds: frame.seconds,
        untilSeconds: frame.untilSeconds,
        sceneChange: frame.sceneChange,
        imageSha256,
        blurredSha256,
      });
    }
    const sheet = await renderContactSheet(
      analysis.frames.flatMap((frame) =>
        frame.sheet && frame.picture ? [{ image: frame.picture, seconds: frame.seconds }] : [],
      ),
    );
    const contactSheetSha256 = sheet && {
      clear: (await previews.putBytes(sheet.clear)).sha256,
      blurred: (await previews.putBytes(sheet.blurred)).sha256,
    };
    return {
      probe: analysis.probe,
      sampling: this.#deps.sampling,
      framesScanned: analysis.framesScanned,
      frames,
      audioFingerprint: analysis.audioFingerprint,
      contactSheet: sheet,
      contactSheetSha256,
    };
  }
}

function distinctValues(
  frames: readonly StoredFrame[],
): { signal: string; value: Uint8Array; quality: number; pipeline: string }[] {
  const seen = new Map<string, { signal: string; value: Uint8Array; quality: number; pipeline: string }>();
  for (const frame of frames) {
    const key = hex(frame.hash);
    const known = seen.get(key);
    if (!known || frame.quality > known.quality) {
      seen.set(key, {
        signal: vpdqSignal.name,
        value: frame.hash,
        quality: frame.quality,
        pipeline: vpdqSignal.pipelineVersion,
      });
    }
  }
  return [...seen.values()];
}
