import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pictureJpeg } from './images.js';

/** Runs ffmpeg quietly; test videos are generated, never copied from anywhere. */
export function ffmpeg(args: readonly string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/**
 * A benign "film" of `scenes` generated pictures, each panned slowly for `secondsPerScene` (so
 * consecutive frames differ and a cut at any moment lands mid-motion), with hard cuts between them
 * and a tone mixed with noise as its sound track. H.264 + AAC in MP4.
 */
export async function longVideo(
  dir: string,
  options: {
    scenes?: number;
    secondsPerScene?: number;
    width?: number;
    height?: number;
    seed?: number;
    /** Pictures (at least twice the frame size) for some scenes instead of generated ones. */
    pictures?: readonly (Buffer | undefined)[];
  } = {},
): Promise<string> {
  const scenes = options.scenes ?? 4;
  const seconds = options.secondsPerScene ?? 5;
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const seed = options.seed ?? 1;
  const inputs: string[] = [];
  const chains: string[] = [];
  for (let i = 0; i < scenes; i++) {
    const picture = path.join(dir, `scene-${seed}-${i}.jpg`);
    writeFileSync(
      picture,
      options.pictures?.[i] ?? (await pictureJpeg(seed * 100 + i, width * 2, height * 2)),
    );
    inputs.push('-framerate', '25', '-loop', '1', '-t', String(seconds), '-i', picture);
    // Pan across the double-size picture: every frame moves a little.
    chains.push(
      `[${i}:v]crop=w=${width * 1.2}:h=${height * 1.2}:x='t*${(width * 0.25) / seconds}':y='t*${(height * 0.15) / seconds}',scale=${width}:${height},setsar=1,format=yuv420p[v${i}]`,
    );
  }
  const concat = `${Array.from({ length: scenes }, (_, i) => `[v${i}]`).join('')}concat=n=${scenes}:v=1:a=0[v]`;
  const out = path.join(dir, `long-${seed}.mp4`);
  const total = scenes * seconds;
  ffmpeg([
    ...inputs,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${total}`,
    '-filter_complex',
    `${chains.join(';')};${concat}`,
    '-map',
    '[v]',
    '-map',
    `${scenes}:a`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '20',
    '-c:a',
    'aac',
    '-shortest',
    out,
  ]);
  return out;
}

/** A clip of `source` from `start` for `seconds`, re-encoded, optionally rescaled or letterboxed. */
export function cutClip(
  source: string,
  out: string,
  options: { start: number; seconds: number; crf?: number; scale?: string; letterbox?: boolean },
): string {
  const filters: string[] = [];
  if (options.scale) {
    filters.push(`scale=${options.scale}`);
  }
  if (options.letterbox) {
    // Into a 4:3 frame with black bars above and below, as a phone re-recording would.
    filters.push('scale=640:-2', 'pad=640:480:(ow-iw)/2:(oh-ih)/2:black');
  }
  ffmpeg([
    '-ss',
    String(options.start),
    '-t',
    String(options.seconds),
    '-i',
    source,
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    String(options.crf ?? 23),
    '-c:a',
    'aac',
    out,
  ]);
  return out;
}

/** A video of one still picture (the way a photo is shared as a clip). */
export function stillVideo(picture: string, out: string, seconds = 4): string {
  ffmpeg([
    '-framerate',
    '25',
    '-loop',
    '1',
    '-t',
    String(seconds),
    '-i',
    picture,
    '-vf',
    'scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    out,
  ]);
  return out;
}

/**
 * A melody of steps (a new pitch every 1/3 s, chosen by `seed`) over quiet noise: sound with enough
 * structure for audio fingerprints, generated rather than recorded.
 */
export function melody(out: string, options: { seed: number; seconds: number }): string {
  const pitch = `(220+40*mod(floor(t*3)*${7919 + options.seed * 104729}\\,23))`;
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=0.5*sin(2*PI*t*${pitch})+0.2*sin(4*PI*t*${pitch}):s=44100:d=${options.seconds}`,
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=pink:amplitude=0.05:seed=${options.seed}:d=${options.seconds}`,
    '-filter_complex',
    'amix=inputs=2:normalize=0',
    '-c:a',
    'pcm_s16le',
    out,
  ]);
  return out;
}

/** `video` with its sound replaced: `seconds` of `sound` from `from`, starting `delay` seconds in. */
export function dub(
  video: string,
  sound: string,
  out: string,
  options: { from: number; seconds: number; delay: number },
): string {
  const delayMs = Math.round(options.delay * 1000);
  ffmpeg([
    '-i',
    video,
    '-i',
    sound,
    '-filter_complex',
    `[1:a]atrim=${options.from}:${options.from + options.seconds},asetpts=PTS-STARTPTS,adelay=${delayMs}:all=1,apad[a]`,
    '-map',
    '0:v',
    '-map',
    '[a]',
    '-c:v',
    'copy',
    '-c:a',
    'aac',
    '-shortest',
    out,
  ]);
  return out;
}

/**
 * A 20 s film of four scenes with a 30 s song on its sound track (`dir`/film.mp4), and another
 * picture of three scenes carrying 9 s of the same song starting 3.3 s in (`dir`/dubbed.mp4: the
 * song on a radio). Returns both paths.
 */
export async function filmWithSong(
  dir: string,
  seeds: { song: number; film: number; other: number },
): Promise<{ film: string; dubbed: string }> {
  const song = melody(path.join(dir, 'melody.wav'), { seed: seeds.song, seconds: 30 });
  const other = await longVideo(dir, { scenes: 3, secondsPerScene: 4, seed: seeds.other });
  const film = dub(
    await longVideo(dir, { scenes: 4, secondsPerScene: 5, seed: seeds.film }),
    song,
    path.join(dir, 'film.mp4'),
    { from: 0, seconds: 20, delay: 0 },
  );
  const dubbed = dub(other, song, path.join(dir, 'dubbed.mp4'), { from: 5, seconds: 9, delay: 3.3 });
  return { film, dubbed };
}
