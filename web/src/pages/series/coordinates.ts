/** Latitude and longitude typed in: both or neither, as numbers in range. */
export function parseCoordinates(
  latitude: string,
  longitude: string,
): { latitude: number; longitude: number } | null | 'invalid' {
  if (latitude.trim() === '' && longitude.trim() === '') {
    return null;
  }
  const lat = Number(latitude);
  const lon = Number(longitude);
  if (
    latitude.trim() === '' ||
    longitude.trim() === '' ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon) ||
    Math.abs(lat) > 90 ||
    Math.abs(lon) > 180
  ) {
    return 'invalid';
  }
  return { latitude: lat, longitude: lon };
}
