import { z } from 'zod';

export const VideoMediaParams = z.object({ id: z.uuid() }).strict();
export const VideoFrameParams = z.object({ id: z.uuid(), position: z.coerce.number().int().min(0) }).strict();

const Variant = z
  .enum(['blurred', 'clear'])
  .default('blurred')
  .meta({ description: 'blurred greyscale (default) or clear (needs media.preview.clear; audited)' });

export const PictureQuery = z.object({ variant: Variant }).strict();

export const FrameAtQuery = z
  .object({
    t: z.coerce
      .number()
      .min(0)
      .max(366 * 24 * 3600)
      .meta({ description: 'time code in seconds' }),
    variant: Variant,
  })
  .strict();

export const VideoBody = z
  .object({
    mediaId: z.uuid(),
    container: z.string(),
    videoCodec: z.string(),
    audioCodec: z.string().nullable(),
    durationSeconds: z.number(),
    fps: z.number(),
    width: z.number().int(),
    height: z.number().int(),
    hasAudio: z.boolean(),
    createdTag: z
      .string()
      .nullable()
      .meta({ description: 'creation time as tagged in the file (not verified)' }),
    tags: z.record(z.string(), z.string()),
    framesScanned: z.number().int(),
    framesKept: z.number().int(),
    hasContactSheet: z.boolean().meta({ description: 'served as the preview: GET /media/{id}/preview' }),
    hasAudioFingerprint: z.boolean(),
    audioMutedByDefault: z.literal(true),
  })
  .meta({ id: 'Video' });

export const FramesBody = z
  .object({
    frames: z.array(
      z.object({
        position: z.number().int(),
        seconds: z.number(),
        untilSeconds: z.number(),
        quality: z.number().int(),
        vpdq: z.string(),
        sceneChange: z.boolean(),
        picture: z
          .boolean()
          .meta({ description: 'a stored picture: GET /media/{id}/frames/{position}/picture' }),
      }),
    ),
  })
  .meta({ id: 'VideoFrames' });

export const AudioMatchesBody = z
  .object({
    matches: z.array(
      z.object({
        mediaId: z.uuid(),
        sha256: z.string(),
        start: z.number().meta({ description: 'shared sound starts here in this video (s)' }),
        end: z.number(),
        otherStart: z.number().meta({ description: 'and here in the other video (s)' }),
        seconds: z.number(),
        agreement: z.number(),
      }),
    ),
  })
  .meta({ id: 'AudioMatches' });
