/** Seconds as a time code: 75.4 -> "1:15.4", 3600 -> "1:00:00.0". */
export function timeCode(seconds: number): string {
  const total = Math.max(0, seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = (total % 60).toFixed(1).padStart(4, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** A few time codes listed; many as the span they cover: "0:04.2 to 0:11.2 (37 frames)". */
export function timeCodes(seconds: readonly number[], shown = 4): string {
  if (seconds.length <= shown) {
    return seconds.map(timeCode).join(', ');
  }
  return `${timeCode(Math.min(...seconds))} to ${timeCode(Math.max(...seconds))} (${seconds.length} frames)`;
}
