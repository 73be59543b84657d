/**
 * What faces and text are read from: an image's original, or a video's stored scene pictures
 * (keyframes). Supplied by the composition root, so these capabilities need not know how videos
 * are stored.
 */
export interface MediaPicture {
  /** The keyframe's position in the video; null for an image's original. */
  readonly framePosition: number | null;
  readonly bytes: Uint8Array;
}

export type MediaPictures = (media: {
  readonly id: string;
  readonly sha256: Uint8Array;
  readonly kind: string;
}) => Promise<MediaPicture[]>;

/** One picture of a video's keyframe, by position (for crops of faces found on it). */
export type FramePicture = (mediaId: string, position: number) => Promise<Uint8Array | undefined>;
