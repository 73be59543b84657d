export type Sharing = 'agency' | 'selected' | 'network';

export interface CaseRecord {
  readonly id: string;
  readonly reference: string;
  readonly title: string | null;
  readonly createdAt: Date;
  readonly createdBy: string;
  /** Owning agency (null only for cases from before agencies existed). */
  readonly agencyId: string | null;
  readonly sharing: Sharing;
}
