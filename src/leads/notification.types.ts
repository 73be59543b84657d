export const NOTIFICATION_KINDS = [
  'series_matched',
  'series_commented',
  'series_status',
  'agency_mentioned',
  'sprint_assigned',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationRecord {
  readonly id: string;
  readonly agencyId: string;
  readonly kind: NotificationKind;
  readonly seriesId: string | null;
  readonly message: string;
  readonly details: Record<string, unknown>;
  readonly createdAt: Date;
  /** When the reading user marked it read (null: unread). */
  readonly readAt: Date | null;
}

export interface NotificationDraft {
  readonly agencyIds: readonly string[];
  readonly kind: NotificationKind;
  readonly seriesId: string | null;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  /** The same event notifies an agency once, however often it is recorded (re-run ingests). */
  readonly dedupeKey?: string;
}
