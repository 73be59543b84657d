import { describe, expect, it } from 'vitest';
import { textClues } from '#haven/ocr/script-detect.js';

describe('text clues', () => {
  it.each([
    ['The keys are on the table in the kitchen', 'latin', 'eng'],
    ['Le chat est sur la table de la cuisine', 'latin', 'fra'],
    ['Die Schlüssel sind auf dem Tisch in der Küche', 'latin', 'deu'],
    ['Las llaves están en la mesa de la cocina', 'latin', 'spa'],
    ['Ключі лежать на столі у кухні, це не їхнє', 'cyrillic', 'ukr'],
    ['Ключи лежат на столе, это не мы', 'cyrillic', 'rus'],
    ['المفاتيح على الطاولة في المطبخ', 'arabic', 'ara'],
  ])('%s -> %s / %s', (text, script, language) => {
    const clues = textClues(text);
    expect(clues.script).toBe(script);
    expect(clues.language).toBe(language);
    expect(clues.countries.length).toBeGreaterThan(0);
  });

  it('names scripts it cannot guess a language for, and says nothing about empty or symbol-only text', () => {
    expect(textClues('東京タワーの近く').script).toBe('japanese');
    expect(textClues('北京市朝阳区').script).toBe('han');
    expect(textClues('서울특별시').script).toBe('hangul');
    expect(textClues('Αθήνα').script).toBe('greek');
    expect(textClues('東京タワーの近く').language).toBeNull();
    expect(textClues('')).toMatchObject({ script: 'none', language: null, countries: [], scripts: [] });
    expect(textClues('12:45 -- ### 9/11').script).toBe('none');
  });

  it('mixed text is dominated by the script with most letters, and shares add up', () => {
    const clues = textClues('Hotel Київ готель номер');
    expect(clues.script).toBe('cyrillic');
    expect(clues.scripts.reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(1, 6);
  });
});
