import { runMediaTool, toolComplaint, toolPath } from '#haven/video/media-tools.adapter.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** Seconds of sound per Chromaprint item (its default algorithm: 4096-sample frames at 11025 Hz, 2/3 overlap). */
export const SECONDS_PER_ITEM = 4096 / 3 / 11025;

/**
 * The raw Chromaprint fingerprint of a file's first audio stream (fpcalc, whole length), or null
 * when fpcalc finds no sound to fingerprint. The sound is only analysed, never played.
 */
export async function audioFingerprint(filePath: string, signal?: AbortSignal): Promise<Uint32Array | null> {
  const run = await runMediaTool(
    'fpcalc',
    ['-raw', '-json', '-length', '0', toolPath(filePath)],
    signal ? { signal } : {},
  );
  const text = run.stdout.toString('utf8').trim();
  if (!text) {
    if (run.code === 0 || /no audio|could not find|empty/i.test(run.stderr)) {
      return null;
    }
    throw havenError('VIDEO_UNREADABLE', { reason: `audio: ${toolComplaint(run.stderr)}` });
  }
  let parsed: { fingerprint?: unknown };
  try {
    parsed = JSON.parse(text) as { fingerprint?: unknown };
  } catch {
    throw havenError('VIDEO_UNREADABLE', { reason: 'audio: fpcalc gave no readable fingerprint' });
  }
  const items = Array.isArray(parsed.fingerprint) ? parsed.fingerprint : [];
  if (items.length === 0) {
    return null;
  }
  return Uint32Array.from(items.map((item) => (typeof item === 'number' ? item >>> 0 : 0)));
}

/** The fingerprint as stored: little-endian uint32 items. */
export function fingerprintBytes(items: Uint32Array): Uint8Array {
  const out = new Uint8Array(items.length * 4);
  const view = new DataView(out.buffer);
  items.forEach((item, i) => {
    view.setUint32(i * 4, item, true);
  });
  return out;
}

export function fingerprintItems(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < out.length; i++) {
    out[i] = view.getUint32(i * 4, true);
  }
  return out;
}
