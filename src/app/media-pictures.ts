import type { FramePicture, MediaPictures } from '#haven/faces/media-pictures.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';
import type { VideoService } from '#haven/video/video.service.js';

/**
 * The pictures faces and text are read from: an image's original, or the scene pictures (keyframes)
 * the video analysis stored, clear, as WebP at up to 480 px.
 */
export function mediaPictures(deps: { originals: BlobStore; previews: BlobStore; videos: VideoService }): {
  pictures: MediaPictures;
  framePicture: FramePicture;
} {
  return {
    async pictures(media) {
      if (media.kind === 'image') {
        return [{ framePosition: null, bytes: await deps.originals.readAll(media.sha256) }];
      }
      if (media.kind !== 'video') {
        return [];
      }
      const pictures = [];
      for (const frame of await deps.videos.frames(media.id)) {
        if (frame.imageSha256) {
          pictures.push({
            framePosition: frame.position,
            bytes: await deps.previews.readAll(frame.imageSha256),
          });
        }
      }
      return pictures;
    },
    framePicture: (mediaId, position) => deps.videos.storedFramePicture(mediaId, position, 'clear'),
  };
}
