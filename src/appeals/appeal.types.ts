import type { Rect } from '#haven/clues/clue.types.js';
import type {
  AppealPerson,
  AppealText,
  AppealType,
  PortalLanguage,
} from '#haven/portal/exchange/portal-exchange.js';

export const APPEAL_STATES = ['proposed', 'live', 'rejected', 'unpublished'] as const;
export type AppealState = (typeof APPEAL_STATES)[number];

export type AppealTexts = Partial<Record<PortalLanguage, AppealText>>;

export interface AppealRecord {
  readonly id: string;
  readonly publicId: string;
  readonly agencyId: string;
  readonly type: AppealType;
  readonly state: AppealState;
  readonly texts: AppealTexts;
  readonly person: AppealPerson | null;
  readonly country: string | null;
  readonly region: string;
  readonly seriesId: string | null;
  readonly clueId: string | null;
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly proposedBy: string;
  readonly proposedByName: string;
  readonly proposedAt: Date;
  readonly reviewedByName: string | null;
  readonly reviewedAt: Date | null;
  readonly reviewNote: string;
  readonly publishedAt: Date | null;
  readonly unpublishedAt: Date | null;
  readonly unpublishedByName: string | null;
  readonly countryFound: string | null;
  readonly objectIdentified: boolean;
  readonly childrenIdentified: number;
}

/** Where the picture of an appeal comes from; masks are in the picture's own pixels. */
export type AppealImageSource =
  | { readonly kind: 'clue'; readonly seriesId: string; readonly clueId: string }
  | { readonly kind: 'crop'; readonly seriesId: string; readonly mediaId: string; readonly rect: Rect }
  | { readonly kind: 'upload'; readonly base64: string };

export interface AppealProposal {
  readonly type: AppealType;
  readonly texts: AppealTexts;
  readonly person: AppealPerson | null;
  readonly country: string | null;
  readonly region: string;
  readonly image: AppealImageSource;
  readonly masks: readonly Rect[];
  /** A series the appeal serves (tips become its leads); taken from the clue or crop when absent. */
  readonly seriesId: string | null;
}

export interface AppealOutcome {
  readonly countryFound: string | null;
  readonly objectIdentified: boolean;
  readonly childrenIdentified: number;
}
