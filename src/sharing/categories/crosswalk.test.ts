import { describe, expect, it } from 'vitest';
import {
  CATEGORY_SCHEMES,
  SCHEME_CODES,
  classOf,
  compareClaims,
  crosswalk,
  schemeOfCode,
} from '#haven/sharing/categories/crosswalk.js';

describe('category crosswalk', () => {
  it('maps every code of every scheme onto itself exactly and to a common class', () => {
    for (const scheme of CATEGORY_SCHEMES) {
      for (const code of Object.keys(SCHEME_CODES[scheme])) {
        expect(crosswalk(scheme, code, scheme)).toEqual({ codes: [code], exact: true });
        expect(classOf(scheme, code)).not.toBe(undefined);
        expect(schemeOfCode(code)).toBe(scheme);
      }
    }
  });

  it('pins the documented cells (docs/CATEGORIES.md)', () => {
    expect(crosswalk('vics_us', '1', 'uk')).toEqual({ codes: ['A', 'B', 'C'], exact: false });
    expect(crosswalk('vics_us', '1', 'industry')).toEqual({ codes: ['A1', 'A2', 'B1', 'B2'], exact: false });
    expect(crosswalk('vics_us', '2', 'uk')).toEqual({ codes: [], exact: false });
    expect(crosswalk('vics_us', '3', 'industry')).toEqual({ codes: [], exact: false });
    expect(crosswalk('vics_us', '5', 'uk')).toEqual({ codes: ['NP'], exact: true });
    expect(crosswalk('uk', 'A', 'vics_us')).toEqual({ codes: ['1'], exact: true });
    expect(crosswalk('uk', 'C', 'industry')).toEqual({ codes: ['A2', 'B2'], exact: false });
    expect(crosswalk('uk', 'NP', 'vics_us')).toEqual({ codes: ['5'], exact: true });
    expect(crosswalk('industry', 'B1', 'uk')).toEqual({ codes: ['A', 'B'], exact: false });
    expect(crosswalk('industry', 'a2', 'vics_us')).toEqual({ codes: ['1'], exact: true });
    expect(classOf('vics_us', '2')).toBe('exploitative');
    expect(classOf('vics_us', '3')).toBe('cgi');
    expect(classOf('uk', 'b')).toBe('csam');
    expect(classOf('none', '1')).toBe('uncategorised');
    expect(classOf('vics_us', null)).toBe('uncategorised');
    expect(schemeOfCode('Z9')).toBeNull();
  });

  it('crosswalks are consistent both ways: every target code walks back to a set containing the source', () => {
    for (const from of CATEGORY_SCHEMES) {
      for (const code of Object.keys(SCHEME_CODES[from])) {
        for (const to of CATEGORY_SCHEMES) {
          for (const target of crosswalk(from, code, to).codes) {
            expect(crosswalk(to, target, from).codes).toContain(code);
            expect(classOf(to, target)).toBe(classOf(from, code));
          }
        }
      }
    }
  });

  it('shows conflicts between sources instead of resolving them', () => {
    const agree = compareClaims([
      { source: 'US portal', scheme: 'vics_us', code: '1', baseline: true },
      { source: 'CAID', scheme: 'uk', code: 'A', baseline: false },
      { source: 'new import', scheme: 'vics_us', code: null, baseline: false },
    ]);
    expect(agree).toMatchObject({ classes: ['csam'], baseline: true, conflict: false });
    const disagree = compareClaims([
      { source: 'US portal', scheme: 'vics_us', code: '1', baseline: false },
      { source: 'other', scheme: 'vics_us', code: '5', baseline: false },
    ]);
    expect(disagree).toMatchObject({ classes: ['csam', 'non_pertinent'], conflict: true });
    expect(disagree.claims.map((c) => c.class)).toEqual(['csam', 'non_pertinent']);
    const badBaseline = compareClaims([{ source: 'x', scheme: 'vics_us', code: '2', baseline: true }]);
    expect(badBaseline.conflict).toBe(true);
  });
});
