import type { Schemas } from '../../api/client';

export type PeopleKind = 'victims' | 'offenders';
export type Victim = Schemas['Victim'];
export type Offender = Schemas['Offender'];
export const SEXES: readonly Victim['sex'][] = ['female', 'male', 'unknown'];

/** "6-9 years", "about 6", or "unknown" for an estimated age range at the time of production. */
export function ageRange(victim: Pick<Victim, 'ageMin' | 'ageMax'>): string {
  const { ageMin, ageMax } = victim;
  if (ageMin === null && ageMax === null) {
    return 'unknown';
  }
  if (ageMin !== null && ageMax !== null) {
    return ageMin === ageMax ? `${ageMin} years` : `${ageMin}-${ageMax} years`;
  }
  return ageMin !== null ? `${ageMin}+ years` : `up to ${ageMax} years`;
}

/** The series numbers of ids (ids the list does not hold are series not visible any more). */
export function seriesNumbers(
  ids: readonly string[],
  series: readonly Schemas['Series'][] | undefined,
): { id: string; number: string }[] {
  return ids.map((id) => ({ id, number: series?.find((item) => item.id === id)?.number ?? 'a series' }));
}
