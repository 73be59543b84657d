/**
 * Category schemes and the crosswalk between them. The reasoning, with sources, is in
 * docs/CATEGORIES.md; tests pin every cell. Mappings that lose information say so (`exact: false`)
 * and list every code the category could be in the other scheme; nothing is guessed.
 */
export const CATEGORY_SCHEMES = ['vics_us', 'uk', 'industry'] as const;
export type CategoryScheme = (typeof CATEGORY_SCHEMES)[number];

/** Codes of each scheme, with what they mean. */
export const SCHEME_CODES: Readonly<Record<CategoryScheme, Readonly<Record<string, string>>>> = {
  vics_us: {
    '0': 'Uncategorised',
    '1': 'Child abuse material (illegal)',
    '2': 'Child exploitative material, not illegal (age difficult)',
    '3': 'CGI or animation, child exploitative',
    '4': 'Exemplar or comparison (internal use)',
    '5': 'Non-pertinent',
  },
  uk: {
    A: 'Category A: penetrative sexual activity, sexual activity with an animal, or sadism',
    B: 'Category B: non-penetrative sexual activity',
    C: 'Category C: other indecent images',
    NP: 'Non-pertinent',
  },
  industry: {
    A1: 'Prepubescent, sex act',
    A2: 'Prepubescent, lascivious exhibition',
    B1: 'Pubescent, sex act',
    B2: 'Pubescent, lascivious exhibition',
  },
};

/** The common classes every scheme maps onto; what providers receive and conflicts are judged by. */
export const CLASSES = [
  'csam',
  'exploitative',
  'cgi',
  'reference',
  'non_pertinent',
  'uncategorised',
] as const;
export type CategoryClass = (typeof CLASSES)[number];

const CLASS_OF: Readonly<Record<CategoryScheme, Readonly<Record<string, CategoryClass>>>> = {
  vics_us: {
    '0': 'uncategorised',
    '1': 'csam',
    '2': 'exploitative',
    '3': 'cgi',
    '4': 'reference',
    '5': 'non_pertinent',
  },
  uk: { A: 'csam', B: 'csam', C: 'csam', NP: 'non_pertinent' },
  industry: { A1: 'csam', A2: 'csam', B1: 'csam', B2: 'csam' },
};

/** Codes in the target scheme a source code can correspond to (empty: the target has no such category). */
const CROSSWALK: Readonly<
  Record<CategoryScheme, Readonly<Record<string, Readonly<Record<CategoryScheme, readonly string[]>>>>>
> = {
  vics_us: {
    '0': { vics_us: ['0'], uk: [], industry: [] },
    '1': { vics_us: ['1'], uk: ['A', 'B', 'C'], industry: ['A1', 'A2', 'B1', 'B2'] },
    '2': { vics_us: ['2'], uk: [], industry: [] },
    '3': { vics_us: ['3'], uk: [], industry: [] },
    '4': { vics_us: ['4'], uk: [], industry: [] },
    '5': { vics_us: ['5'], uk: ['NP'], industry: [] },
  },
  uk: {
    A: { vics_us: ['1'], uk: ['A'], industry: ['A1', 'B1'] },
    B: { vics_us: ['1'], uk: ['B'], industry: ['A1', 'B1'] },
    C: { vics_us: ['1'], uk: ['C'], industry: ['A2', 'B2'] },
    NP: { vics_us: ['5'], uk: ['NP'], industry: [] },
  },
  industry: {
    A1: { vics_us: ['1'], uk: ['A', 'B'], industry: ['A1'] },
    A2: { vics_us: ['1'], uk: ['C'], industry: ['A2'] },
    B1: { vics_us: ['1'], uk: ['A', 'B'], industry: ['B1'] },
    B2: { vics_us: ['1'], uk: ['C'], industry: ['B2'] },
  },
};

export function isCode(scheme: CategoryScheme, code: string): boolean {
  return Object.prototype.hasOwnProperty.call(SCHEME_CODES[scheme], code);
}

/** The common class of a code; unknown codes and schemes without meaning are uncategorised. */
export function classOf(scheme: string, code: string | null): CategoryClass {
  if (code === null || !(CATEGORY_SCHEMES as readonly string[]).includes(scheme)) {
    return 'uncategorised';
  }
  return CLASS_OF[scheme as CategoryScheme][code.toUpperCase()] ?? 'uncategorised';
}

/**
 * The scheme a code belongs to: the schemes' codes do not overlap (0-5, A/B/C/NP, A1-B2), so a
 * list that lost its scheme (a CSV export) is still read right.
 */
export function schemeOfCode(code: string | null): CategoryScheme | null {
  if (code === null) {
    return null;
  }
  return CATEGORY_SCHEMES.find((scheme) => isCode(scheme, code.toUpperCase())) ?? null;
}

/** What a code may be in another scheme; `exact` when there is exactly one answer. */
export function crosswalk(
  from: CategoryScheme,
  code: string,
  to: CategoryScheme,
): { readonly codes: readonly string[]; readonly exact: boolean } {
  const codes = CROSSWALK[from][code.toUpperCase()]?.[to] ?? [];
  return { codes, exact: codes.length === 1 };
}

/** INTERPOL Baseline is a subset of illegal material: a Baseline flag on anything else is a contradiction. */
export function baselineAllowed(cls: CategoryClass): boolean {
  return cls === 'csam';
}

/** One source's view of a medium's category. */
export interface CategoryClaim {
  readonly source: string;
  readonly scheme: string;
  readonly code: string | null;
  readonly baseline: boolean;
}

export interface CategoryVerdict {
  /** Distinct classes the categorised sources give (uncategorised sources left out). */
  readonly classes: readonly CategoryClass[];
  readonly baseline: boolean;
  /** Sources disagree, or a Baseline flag sits on material that is not CSAM: shown, never resolved. */
  readonly conflict: boolean;
  readonly claims: readonly (CategoryClaim & { readonly class: CategoryClass })[];
}

/** Compares the sources' categories of one medium; disagreement is reported, not settled. */
export function compareClaims(claims: readonly CategoryClaim[]): CategoryVerdict {
  const withClass = claims.map((claim) => ({ ...claim, class: classOf(claim.scheme, claim.code) }));
  const classes = [...new Set(withClass.map((c) => c.class).filter((c) => c !== 'uncategorised'))];
  const baseline = withClass.some((c) => c.baseline);
  const contradictoryBaseline = withClass.some(
    (c) => c.baseline && c.class !== 'uncategorised' && !baselineAllowed(c.class),
  );
  return {
    classes,
    baseline,
    conflict:
      classes.length > 1 ||
      contradictoryBaseline ||
      (baseline && classes.length === 1 && classes[0] !== 'csam'),
    claims: withClass,
  };
}
