export const SPRINT_OUTCOMES = ['pending', 'country_found', 'no_country', 'needs_more_work'] as const;
export type SprintOutcome = (typeof SPRINT_OUTCOMES)[number];

export interface SprintRecord {
  readonly id: string;
  readonly name: string;
  /** Calendar dates, YYYY-MM-DD. */
  readonly startsOn: string;
  readonly endsOn: string;
  /** The coordinating agency. */
  readonly agencyId: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  /** Participating agencies (the coordinating one included). */
  readonly agencies: readonly string[];
}

export interface AssignmentRecord {
  readonly sprintId: string;
  readonly seriesId: string;
  readonly assignedAgencyId: string;
  readonly outcome: SprintOutcome;
  readonly probableCountry: string | null;
  readonly note: string;
  readonly evaluatedAt: Date | null;
  readonly evaluatedBy: string | null;
  readonly disseminatedAt: Date | null;
}
