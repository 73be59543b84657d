/** Names for the language codes and scripts the text reader reports. */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  eng: 'English',
  fra: 'French',
  deu: 'German',
  spa: 'Spanish',
  ita: 'Italian',
  nld: 'Dutch',
  por: 'Portuguese',
  ukr: 'Ukrainian',
  rus: 'Russian',
  ara: 'Arabic',
};

export const languageName = (code: string | null): string =>
  code === null ? 'not recognised' : (LANGUAGE_NAMES[code] ?? code);

export const scriptName = (script: string): string =>
  script === 'none' ? 'no letters' : `${script.charAt(0).toUpperCase()}${script.slice(1)} script`;

/** "German (DE, AT, CH) in Latin script": a clue to the country, never a conclusion. */
export function countryClue(script: string, language: string | null, countries: readonly string[]): string {
  const where = countries.length > 0 ? ` (written mainly in ${countries.join(', ')})` : '';
  return `${scriptName(script)}, language ${languageName(language)}${where}`;
}
