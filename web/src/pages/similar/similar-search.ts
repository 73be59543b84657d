import { api, type Schemas } from '../../api/client';

export type SimilarSource = { readonly kind: 'clue' | 'media'; readonly id: string };
export type SimilarityResults = Schemas['SimilarityResults'];
export type SimilarityResult = SimilarityResults['results'][number];
export type VisibleResult = Extract<SimilarityResult, { restricted: false }>;
export type RestrictedResult = Extract<SimilarityResult, { restricted: true }>;

/** Most results a page asks for. */
export const RESULT_LIMIT = 20;
/**
 * A search queues feature extraction for held images not analysed yet and answers at once with
 * what is indexed so far, so an empty answer may only mean "not analysed yet": the page asks again
 * this many times, this far apart, before it says there is no match.
 */
export const RETRY_ATTEMPTS = 12;
export const RETRY_SECONDS = 5;

/**
 * Matches first, then pictures that look alike but did not pass the acceptance threshold: the
 * page shows those apart, as candidates for the specialist to judge.
 */
export function searchSimilar(source: SimilarSource): Promise<SimilarityResults> {
  const body = { limit: RESULT_LIMIT, unconfirmed: true };
  return source.kind === 'clue'
    ? api.post('/api/v1/clues/{id}/similar', { path: { id: source.id }, body })
    : api.post('/api/v1/media/{id}/similar', { path: { id: source.id }, body });
}
