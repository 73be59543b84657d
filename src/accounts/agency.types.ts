export const AGENCY_TYPES = [
  'national_police',
  'federal_police',
  'specialised_unit',
  'international',
  'prosecution',
  'local',
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

export interface Agency {
  readonly id: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly type: AgencyType;
  /** How other agencies reach the unit (shown with matches they may not see). */
  readonly contact: string | null;
  readonly createdAt: Date;
}
