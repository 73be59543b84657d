import type { Sharing } from '#haven/cases/case.types.js';

export type { Sharing };

/** The victim-identification process, in order. */
export const SERIES_STATUSES = [
  'found',
  'compared',
  'analysed',
  'country_identified',
  'disseminated',
  'local_investigation',
  'victim_identified',
] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

export const COUNTRY_CONFIDENCES = ['low', 'medium', 'high'] as const;
export type CountryConfidence = (typeof COUNTRY_CONFIDENCES)[number];

export interface SeriesRecord {
  readonly id: string;
  /** Unique across the system, e.g. NL-2026-00042 (owning agency's country, year, sequence). */
  readonly number: string;
  readonly title: string;
  readonly agencyId: string;
  readonly sharing: Sharing;
  readonly status: SeriesStatus;
  readonly offenderIdentified: boolean;
  readonly notes: string;
  readonly probableCountry: string | null;
  readonly countryConfidence: CountryConfidence | null;
  readonly countryEvidence: string | null;
  readonly victimIdentifiedAt: Date | null;
  readonly victimIdentifiedBy: string | null;
  readonly mergedInto: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SeriesEvent {
  readonly id: number;
  readonly kind: string;
  readonly agencyId: string | null;
  readonly actorName: string;
  readonly details: Record<string, unknown>;
  readonly at: Date;
}

export interface SeriesMediaLink {
  readonly mediaId: string;
  readonly addedAt: Date;
  readonly addedBy: string;
}

/** A series touching a medium, with what a match needs to say about it. */
export interface SeriesOfMedia {
  readonly mediaId: string;
  readonly series: SeriesRecord;
  readonly owner: { readonly name: string; readonly country: string; readonly contact: string | null };
  readonly identifiedBy: { readonly name: string; readonly country: string } | null;
}

/** Who does what to a series in one call. */
export interface AuditContext {
  readonly requestId: string;
  readonly clientIp: string;
}

/**
 * What a match says about a series holding the matched medium. Within sharing: which series. Outside
 * it: only that one exists, its status, whether (and by whom, when) the victim was identified, and
 * whom to ask.
 */
export type SeriesFact =
  | {
      readonly restricted: false;
      readonly id: string;
      readonly number: string;
      readonly title: string;
      readonly status: SeriesStatus;
      readonly identified: IdentifiedFact | null;
    }
  | {
      readonly restricted: true;
      readonly status: SeriesStatus;
      readonly identified: IdentifiedFact | null;
      readonly ask: { readonly agency: string; readonly country: string; readonly contact: string | null };
    };

export interface IdentifiedFact {
  readonly agency: string;
  readonly country: string;
  readonly at: string;
  /** Ready to show: "Already identified by <agency> on <date>". */
  readonly note: string;
}
