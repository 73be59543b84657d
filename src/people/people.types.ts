/** Victims and offenders: pseudonymous people linked to series (a person can be in several). */
export type PersonKind = 'victim' | 'offender';

export const SEXES = ['female', 'male', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export interface PersonRecord {
  readonly kind: PersonKind;
  readonly id: string;
  readonly code: string;
  readonly agencyId: string;
  readonly identified: boolean;
  readonly notes: string;
  readonly createdAt: Date;
  readonly seriesIds: readonly string[];
  /** Victims only. */
  readonly sex: Sex | null;
  readonly ageMin: number | null;
  readonly ageMax: number | null;
  readonly identifiedBy: string | null;
  /** Calendar dates, YYYY-MM-DD. */
  readonly identifiedAt: string | null;
  readonly safeguardedAt: string | null;
  /** Offenders only. */
  readonly arrestedAt: string | null;
}

/** Fields a request may set; which apply depends on the kind. */
export interface PersonFields {
  readonly notes?: string | undefined;
  readonly sex?: Sex | undefined;
  readonly ageMin?: number | null | undefined;
  readonly ageMax?: number | null | undefined;
  readonly identified?: boolean | undefined;
  readonly identifiedAt?: string | null | undefined;
  readonly safeguardedAt?: string | null | undefined;
  readonly arrestedAt?: string | null | undefined;
}
