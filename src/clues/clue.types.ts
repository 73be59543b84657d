export const CLUE_KINDS = [
  'object',
  'text',
  'logo',
  'clothing',
  'electrical_fitting',
  'packaging',
  'landscape',
  'other',
] as const;
export type ClueKind = (typeof CLUE_KINDS)[number];

/** A rectangle in image pixels, from the top-left corner. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface ClueRecord {
  readonly id: string;
  readonly seriesId: string;
  readonly mediaId: string;
  readonly agencyId: string;
  readonly kind: ClueKind;
  readonly rect: Rect;
  readonly note: string;
  readonly createdBy: string;
  readonly createdAt: Date;
}
