/**
 * Clues to where a picture was made, from the text visible in it: the writing system of the
 * recognised characters, and a language guess from common short words and telltale letters.
 */

export const SCRIPTS = [
  'latin',
  'cyrillic',
  'greek',
  'arabic',
  'hebrew',
  'han',
  'japanese',
  'hangul',
  'devanagari',
  'thai',
] as const;
export type Script = (typeof SCRIPTS)[number] | 'none';

const SCRIPT_PATTERNS: readonly [Exclude<Script, 'none'>, RegExp][] = [
  ['latin', /\p{Script=Latin}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['japanese', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['han', /\p{Script=Han}/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['devanagari', /\p{Script=Devanagari}/u],
  ['thai', /\p{Script=Thai}/u],
];

interface LanguageProfile {
  readonly script: Exclude<Script, 'none'>;
  readonly words: readonly string[];
  /** Letters that point to this language within its script. */
  readonly letters?: RegExp;
  /** Where the language is mainly written (ISO 3166-1 alpha-2), as a clue only. */
  readonly countries: readonly string[];
}

export const LANGUAGES: Readonly<Record<string, LanguageProfile>> = {
  eng: {
    script: 'latin',
    words: [
      'the',
      'and',
      'of',
      'to',
      'is',
      'in',
      'for',
      'with',
      'this',
      'that',
      'you',
      'are',
      'on',
      'not',
      'street',
      'road',
    ],
    countries: ['GB', 'US', 'IE', 'CA', 'AU', 'NZ'],
  },
  fra: {
    script: 'latin',
    words: [
      'le',
      'la',
      'les',
      'de',
      'des',
      'et',
      'est',
      'un',
      'une',
      'du',
      'pour',
      'avec',
      'rue',
      'sur',
      'dans',
      'pas',
    ],
    letters: /[çœèêëàâîïôûù]/u,
    countries: ['FR', 'BE', 'CH', 'LU', 'CA'],
  },
  deu: {
    script: 'latin',
    words: [
      'der',
      'die',
      'das',
      'und',
      'ist',
      'nicht',
      'mit',
      'für',
      'ein',
      'eine',
      'von',
      'zu',
      'auf',
      'den',
      'straße',
      'strasse',
    ],
    letters: /[ßäöü]/u,
    countries: ['DE', 'AT', 'CH', 'LU', 'LI'],
  },
  spa: {
    script: 'latin',
    words: [
      'el',
      'los',
      'las',
      'de',
      'del',
      'y',
      'que',
      'en',
      'un',
      'una',
      'por',
      'con',
      'para',
      'calle',
      'es',
      'no',
    ],
    letters: /[ñ¿¡áíóú]/u,
    countries: ['ES', 'MX', 'AR', 'CO', 'PE', 'CL'],
  },
  ita: {
    script: 'latin',
    words: ['il', 'lo', 'gli', 'di', 'che', 'e', 'per', 'con', 'una', 'della', 'non', 'sono', 'via'],
    countries: ['IT', 'CH', 'SM'],
  },
  nld: {
    script: 'latin',
    words: ['de', 'het', 'een', 'en', 'van', 'is', 'niet', 'met', 'voor', 'op', 'straat', 'zijn'],
    letters: /ij/u,
    countries: ['NL', 'BE'],
  },
  por: {
    script: 'latin',
    words: ['o', 'os', 'as', 'de', 'do', 'da', 'e', 'que', 'um', 'uma', 'não', 'com', 'para', 'rua'],
    letters: /[ãõ]/u,
    countries: ['PT', 'BR'],
  },
  ukr: {
    script: 'cyrillic',
    words: ['і', 'в', 'у', 'на', 'не', 'що', 'як', 'з', 'та', 'це', 'вулиця', 'до'],
    letters: /[іїєґ]/u,
    countries: ['UA'],
  },
  rus: {
    script: 'cyrillic',
    words: ['и', 'в', 'на', 'не', 'что', 'как', 'с', 'это', 'улица', 'по', 'к', 'он'],
    letters: /[ыэъё]/u,
    countries: ['RU', 'BY', 'KZ'],
  },
  ara: {
    script: 'arabic',
    words: ['في', 'من', 'على', 'إلى', 'و', 'أن', 'هذا', 'مع', 'شارع'],
    countries: ['SA', 'EG', 'AE', 'MA', 'DZ', 'IQ', 'JO'],
  },
};

export interface TextClues {
  /** The dominant writing system of the letters read (or 'none'). */
  readonly script: Script;
  /** Share of letters per writing system, largest first. */
  readonly scripts: readonly { readonly script: Script; readonly share: number }[];
  /** The most likely language (ISO 639-2), or null when the text is too thin to tell. */
  readonly language: string | null;
  /** Candidate languages, best first, with a score (0..1). */
  readonly languages: readonly { readonly language: string; readonly score: number }[];
  /** Countries where the best language is mainly written: a clue, never a conclusion. */
  readonly countries: readonly string[];
}

export function textClues(text: string): TextClues {
  const counts = new Map<Script, number>();
  let letters = 0;
  for (const char of text) {
    const found = SCRIPT_PATTERNS.find(([, pattern]) => pattern.test(char));
    if (found) {
      counts.set(found[0], (counts.get(found[0]) ?? 0) + 1);
      letters++;
    }
  }
  const scripts = [...counts.entries()]
    .map(([script, count]) => ({ script, share: count / letters }))
    .sort((a, b) => b.share - a.share);
  const script = scripts[0]?.script ?? 'none';
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{M}]+/u)
    .filter((word) => word.length > 0);
  const lower = text.toLowerCase();
  const scored = Object.entries(LANGUAGES)
    .filter(([, profile]) => profile.script === script)
    .map(([language, profile]) => {
      const stop = new Set(profile.words);
      const hits = words.filter((word) => stop.has(word)).length;
      const telltale = profile.letters
        ? (lower.match(new RegExp(profile.letters.source, 'gu'))?.length ?? 0)
        : 0;
      return { language, raw: hits + 0.5 * telltale };
    })
    .filter((entry) => entry.raw > 0)
    .sort((a, b) => b.raw - a.raw);
  const total = scored.reduce((sum, entry) => sum + entry.raw, 0);
  const languages = scored.map((entry) => ({ language: entry.language, score: entry.raw / total }));
  // One script with a single language profile (Arabic here) still needs some letters to count.
  const language =
    languages[0] !== undefined && (scored[0]!.raw >= 1 || letters >= 8) ? languages[0].language : null;
  return {
    script,
    scripts,
    language,
    languages,
    countries: language ? LANGUAGES[language]!.countries : [],
  };
}
