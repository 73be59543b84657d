import type { z } from 'zod';
import { accessService } from '#haven/access/access.service.js';
import { can } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteContext, type RouteSpec } from '#haven/http/route.js';
import { mediaService } from '#haven/media/media.service.js';
import type { MediaDetail } from '#haven/media/media.types.js';
import type { Database } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { vpdqSignal } from '#haven/signals/vpdq/vpdq-signal.js';
import type { VideoService } from '#haven/video/video.service.js';
import {
  AudioMatchesBody,
  FrameAtQuery,
  FramesBody,
  PictureQuery,
  VideoBody,
  VideoFrameParams,
  VideoMediaParams,
} from '#haven/video/video.schema.js';

export interface VideoRouteDeps {
  readonly db: Database;
  readonly videos: VideoService;
}

const WEBP = { 200: { description: 'A WebP image', contentType: 'image/webp' }, ...ERROR_RESPONSES };

/** Video facts, frames (stored and on demand) and shared sound, for the people allowed to see the video. */
export function videoRoutes(deps: VideoRouteDeps): RouteSpec[] {
  const { db, videos } = deps;

  /** The video if the caller may see it (NOT_FOUND otherwise, whether it exists or not). */
  const visibleVideo = async (
    context: RouteContext<{ id: string }, unknown, unknown>,
  ): Promise<MediaDetail> => {
    const detail = await mediaService.visibleDetail(db, context.actor, context.params.id);
    if (detail.kind !== 'video') {
      throw havenError('NOT_FOUND');
    }
    return detail;
  };

  /** The audit row is written before anything is shown: a view that cannot be recorded does not happen. */
  const audit = (
    context: RouteContext<{ id: string }, unknown, unknown>,
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<unknown> =>
    db.transaction((tx) =>
      auditService.record(tx, {
        actor: context.actor,
        action,
        outcome: 'ok',
        objectType: 'media',
        objectId: context.params.id,
        details,
        requestId: context.requestId,
        clientIp: context.clientIp,
      }),
    );

  const open = async (
    context: RouteContext<{ id: string }, unknown, unknown>,
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<MediaDetail> => {
    const detail = await visibleVideo(context);
    await audit(context, action, details);
    return detail;
  };

  const sendWebp = (context: RouteContext<unknown, unknown, unknown>, bytes: Uint8Array): { sent: true } => {
    void context.reply
      .code(200)
      .header('content-type', 'image/webp')
      .header('cache-control', 'no-store, private')
      .send(Buffer.from(bytes));
    return { sent: true };
  };

  const checkVariant = (
    context: RouteContext<unknown, unknown, unknown>,
    variant: 'blurred' | 'clear',
  ): void => {
    if (variant === 'clear' && !can(context.actor, 'media.preview.clear')) {
      throw havenError('FORBIDDEN', { permission: 'media.preview.clear' });
    }
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/media/:id/video',
      operationId: 'getVideo',
      summary:
        'What ffprobe found in a video (container, codecs, duration, size, sound, tags) and its analysis',
      tag: 'video',
      access: { permission: 'media.read' },
      params: VideoMediaParams,
      responses: { 200: { description: 'The video', schema: VideoBody }, ...ERROR_RESPONSES },
      async handler(context) {
        await open(context, 'media.read');
        const summary = await videos.summary(context.params.id);
        if (!summary) {
          throw havenError('NOT_FOUND');
        }
        return { body: { ...summary, audioMutedByDefault: true } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/media/:id/frames',
      operationId: 'listVideoFrames',
      summary: 'The kept frames of a video: time codes, vPDQ hash, quality, scene changes',
      tag: 'video',
      access: { permission: 'media.read' },
      params: VideoMediaParams,
      responses: { 200: { description: 'The frames', schema: FramesBody }, ...ERROR_RESPONSES },
      async handler(context) {
        await open(context, 'media.read');
        const frames = await videos.frames(context.params.id);
        return {
          body: {
            frames: frames.map((frame) => ({
              position: frame.position,
              seconds: frame.seconds,
              untilSeconds: frame.untilSeconds,
              quality: frame.quality,
              vpdq: vpdqSignal.toText(frame.hash),
              sceneChange: frame.sceneChange,
              picture: frame.blurredSha256 !== null,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/media/:id/frames/:position/picture',
      operationId: 'getVideoFramePicture',
      summary: 'A stored scene-change frame: blurred greyscale by default, clear on request (audited)',
      tag: 'video',
      access: { permission: 'media.preview' },
      params: VideoFrameParams,
      query: PictureQuery,
      responses: WEBP,
      async handler(context) {
        const { params, query } = context;
        checkVariant(context, query.variant);
        await visibleVideo(context);
        const bytes = await videos.storedFramePicture(params.id, params.position, query.variant);
        if (!bytes) {
          throw havenError('NOT_FOUND');
        }
        await audit(context, query.variant === 'clear' ? 'media.preview.clear' : 'media.preview', {
          frame: params.position,
        });
        return sendWebp(context, bytes);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/media/:id/frame',
      operationId: 'getVideoFrameAt',
      summary:
        'The frame at time t, decoded from the original now: blurred greyscale by default, clear on request (audited)',
      tag: 'video',
      access: { permission: 'media.preview' },
      params: VideoMediaParams,
      query: FrameAtQuery,
      responses: WEBP,
      async handler(context) {
        const { params, query } = context;
        checkVariant(context, query.variant);
        const detail = await visibleVideo(context);
        const picture = await videos.frameAt(params.id, detail.sha256, query.t, query.variant, () =>
          audit(context, query.variant === 'clear' ? 'media.preview.clear' : 'media.preview', { t: query.t }),
        );
        return sendWebp(context, picture);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/media/:id/audio-matches',
      operationId: 'listVideoAudioMatches',
      summary:
        'Videos you may see that share a stretch of sound with this one (Chromaprint), with the segment',
      tag: 'video',
      access: { permission: 'media.read' },
      params: VideoMediaParams,
      responses: { 200: { description: 'Shared sound', schema: AudioMatchesBody }, ...ERROR_RESPONSES },
      async handler(context) {
        await open(context, 'media.read', { view: 'audio-matches' });
        const found = await videos.audioMatches(context.params.id);
        const visible = await accessService.visibleMedia(
          db,
          context.actor,
          found.map((m) => m.mediaId),
        );
        const shown = found.filter((m) => visible.has(m.mediaId));
        const summaries = await mediaService.summaries(
          db,
          shown.map((m) => m.mediaId),
        );
        const sha = new Map(summaries.map((m) => [m.id, hex(m.sha256)]));
        const body: z.infer<typeof AudioMatchesBody> = {
          matches: shown.map((m) => ({ mediaId: m.mediaId, sha256: sha.get(m.mediaId) ?? '', ...m.segment })),
        };
        return { body };
      },
    }),
  ];
}
