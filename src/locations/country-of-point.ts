import { feature, iso1A2Code } from '@rapideditor/country-coder';

export interface PointCountry {
  /** ISO 3166-1 alpha-2, or null at sea and in places without one. */
  readonly code: string | null;
  readonly name: string | null;
}

/**
 * The country containing a point, from the borders shipped inside the package (offline: GPS
 * positions of evidence never leave the server). Borders are simplified, so a point within a few
 * hundred metres of one may be placed on its other side.
 */
export function countryOfPoint(latitude: number, longitude: number): PointCountry {
  const point: [number, number] = [longitude, latitude];
  const code = iso1A2Code(point);
  return { code, name: code === null ? null : (feature(point)?.properties.nameEn ?? null) };
}
