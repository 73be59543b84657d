export const TIP_STATUSES = ['new', 'useful', 'not_useful', 'spam', 'duplicate'] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];

export const TIP_OUTCOMES = ['country_narrowed', 'object_identified'] as const;
export type TipOutcome = (typeof TIP_OUTCOMES)[number];

export interface TipRecord {
  readonly id: string;
  readonly appealId: string;
  readonly agencyId: string;
  readonly language: string;
  readonly body: string;
  readonly country: string;
  readonly city: string;
  readonly seenWhere: string;
  readonly seenWhen: string;
  readonly contact: string;
  readonly receivedAt: Date;
  readonly status: TipStatus;
  readonly duplicateOf: string | null;
  /** The earliest other tip with the same words about the same appeal, if any. */
  readonly sameAs: string | null;
  readonly leadCommentId: string | null;
  readonly outcome: TipOutcome | null;
  readonly outcomeCountry: string | null;
  readonly triagedByName: string | null;
  readonly triagedAt: Date | null;
}
