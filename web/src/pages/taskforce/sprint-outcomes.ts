import type { Schemas } from '../../api/client';

export type SprintOutcome = Schemas['SprintAssignment']['outcome'];

/** What a participant may record (pending is where every assignment starts). */
export const RECORDABLE_OUTCOMES: readonly Exclude<SprintOutcome, 'pending'>[] = [
  'country_found',
  'no_country',
  'needs_more_work',
];

const LABELS: Readonly<Record<SprintOutcome, string>> = {
  pending: 'pending',
  country_found: 'country found',
  no_country: 'no country found',
  needs_more_work: 'needs more work',
};

export function outcomeLabel(outcome: SprintOutcome): string {
  return LABELS[outcome];
}
