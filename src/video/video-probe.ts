import { havenError } from '#haven/platform/errors/haven-error.js';
import { runMediaTool, toolComplaint, toolPath } from '#haven/video/media-tools.adapter.js';

/** What ffprobe says about a video file. */
export interface VideoProbe {
  /** ffprobe's container name list, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  readonly container: string;
  readonly videoCodec: string;
  readonly audioCodec: string | null;
  readonly hasAudio: boolean;
  /** Seconds; 0 when neither the container nor the stream says. */
  readonly durationSeconds: number;
  /** The video stream's own length (the container's when the stream does not say). */
  readonly videoDurationSeconds: number;
  /** Frames per second (average rate, falling back to the stream's base rate, as vPDQ does). */
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  /** Container or stream creation time as tagged by the recording device (not trusted, reported). */
  readonly createdAt: string | null;
  /** Every container tag (make, model, location...), as evidence. */
  readonly tags: Readonly<Record<string, string>>;
  readonly frameCount: number | null;
  readonly rotation: number;
}

interface ProbeJson {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
    nb_frames?: string;
    tags?: Record<string, string>;
    side_data_list?: { rotation?: number }[];
  }[];
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
}

/** Probes a video file; a file ffprobe cannot make sense of is VIDEO_UNREADABLE with its reason. */
export async function probeVideo(filePath: string, signal?: AbortSignal): Promise<VideoProbe> {
  const run = await runMediaTool(
    'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-i', toolPath(filePath)],
    signal ? { signal } : {},
  );
  if (run.code !== 0) {
    throw havenError('VIDEO_UNREADABLE', { reason: toolComplaint(run.stderr) });
  }
  let parsed: ProbeJson;
  try {
    parsed = JSON.parse(run.stdout.toString('utf8')) as ProbeJson;
  } catch {
    throw havenError('VIDEO_UNREADABLE', { reason: 'ffprobe gave no readable description' });
  }
  return describeProbe(parsed);
}

function describeProbe(parsed: ProbeJson): VideoProbe {
  const streams = parsed.streams ?? [];
  const video = streams.find((stream) => stream.codec_type === 'video');
  const audio = streams.find((stream) => stream.codec_type === 'audio');
  if (!video?.codec_name) {
    throw havenError('VIDEO_UNREADABLE', { reason: 'no video stream' });
  }
  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (width <= 0 || height <= 0) {
    throw havenError('VIDEO_UNREADABLE', { reason: 'the video stream has no picture size' });
  }
  const fps = rate(video.avg_frame_rate) || rate(video.r_frame_rate);
  if (!(fps > 0)) {
    throw havenError('VIDEO_UNREADABLE', { reason: 'the video stream has no frame rate' });
  }
  const formatTags = parsed.format?.tags ?? {};
  const streamTags = video.tags ?? {};
  const duration = positive(parsed.format?.duration) ?? positive(video.duration) ?? 0;
  const frames = positive(video.nb_frames);
  return {
    container: parsed.format?.format_name ?? 'unknown',
    videoCodec: video.codec_name,
    audioCodec: audio?.codec_name ?? null,
    hasAudio: audio !== undefined,
    durationSeconds: duration,
    videoDurationSeconds: positive(video.duration) ?? duration,
    fps,
    width,
    height,
    createdAt: formatTags.creation_time ?? streamTags.creation_time ?? null,
    tags: formatTags,
    frameCount: frames === undefined ? null : Math.round(frames),
    rotation: video.side_data_list?.find((side) => typeof side.rotation === 'number')?.rotation ?? 0,
  };
}

/** ffprobe rates are fractions ("30000/1001"); "0/0" means unknown. */
function rate(text: string | undefined): number {
  if (!text) {
    return 0;
  }
  const [num, den] = text.split('/').map(Number);
  if (num === undefined || !Number.isFinite(num)) {
    return 0;
  }
  if (den === undefined) {
    return num;
  }
  return den > 0 ? num / den : 0;
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}
