import type { Schemas } from '../../api/client';

/** "Agency South (BE)" for an agency id, or the id itself when the list does not hold it. */
export function agencyName(agencies: readonly Schemas['Agency'][] | undefined, id: string | null): string {
  if (id === null) {
    return '–';
  }
  const agency = agencies?.find((candidate) => candidate.id === id);
  return agency ? `${agency.name} (${agency.country})` : id;
}
