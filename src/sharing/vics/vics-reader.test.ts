// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import {
  V11_MEDIA,
  V13_CASES,
  casesFile,
  desktopMedia,
  hashesOf,
  inPieces,
  mediaFile,
  portalMedia,
  v2Context,
} from '../../../test/support/vics-fixtures.js';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '#haven/sharing/vics/json-assembler.js';
import { parseVicsCase, parseVicsMedia, VicsRecordError } from '#haven/sharing/vics/vics-record.js';
import { readVics, VicsFormatError, type VicsEvent } from '#haven/sharing/vics/vics-reader.js';

async function readAll(input: AsyncIterable<Uint8Array | string>): Promise<VicsEvent[]> {
  const events: VicsEvent[] = [];
  for await (const batch of readVics(input, { maxString: 4096, maxRecord: 64 * 1024 })) {
    events.push(...batch);
  }
  return events;
}

function media(
  events: readonly VicsEvent[],
): { record: JsonValue; recordNumber: number; caseNumber: number | null }[] {
  return events.flatMap((event) => (event.kind === 'media' ? [event] : []));
}

async function failure(input: string | AsyncIterable<Uint8Array | string>): Promise<string> {
  const source = typeof input === 'string' ? inPieces(input, 5) : input;
  try {
    await readAll(source);
  } catch (error) {
    expect(error).toBeInstanceOf(VicsFormatError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('readVics', () => {
  it('reads a 1.3 #Cases file written by a desktop tool, piece by piece, and normalises its records', async () => {
    const text = casesFile(
      V13_CASES,
      [desktopMedia(1, 'a', 1), desktopMedia(2, 'b', null)],
      'odata.metadata',
    );
    for (const size of [1, 3, 64, 100_000]) {
      const events = await readAll(inPieces(text, size));
      expect(events[0]).toEqual({
        kind: 'context',
        context: { version: '1.3', variant: null, form: 'Cases' },
      });
      const records = media(events);
      expect(records.map((r) => [r.recordNumber, r.caseNumber])).toEqual([
        [1, 1],
        [2, 1],
      ]);
      const last = events[events.length - 1]!;
      expect(last.kind).toBe('case');
      if (last.kind === 'case') {
        expect(last.mediaCount).toBe(2);
        expect(last.fields).not.toHaveProperty('Media');
        expect(parseVicsCase(last.fields, 1)).toMatchObject({
          caseNumber: 'TEST-0001',
          caseMetadata: [{ name: 'Operation', value: 'Benign' }],
        });
      }
    }
    const [first] = media(await readAll(inPieces(text, 13)));
    const parsed = parseVicsMedia(first!.record, 1, 'us');
    const h = hashesOf('a');
    expect(parsed).toMatchObject({
      mediaId: '1',
      category: '1',
      md5: h.md5,
      sha1: h.sha1,
      sha256: h.sha256,
      pdq: h.pdq,
      photoDna: 'AAECAwQF',
      victimIdentified: false,
      offenderIdentified: false,
      isDistributed: true,
      isSuspected: false,
      series: null,
      tags: 'outdoor;park',
      alternativeHashes: [],
      exifs: [
        { name: 'Make', value: 'ExampleCam' },
        { name: 'Model', value: 'X100' },
      ],
    });
    expect(parsed.mediaFiles[0]).toMatchObject({
      md5: h.md5,
      fileName: 'park-1.jpg',
      unallocated: false,
      deleted: false,
    });
    expect(parsed).not.toHaveProperty('miniature');
  });

  it.each([
    ['US', 'Cases'],
    ['UK', 'Cases'],
    ['CUSTOM', 'Media'],
    ['Default', 'Media'],
  ] as const)('reads 2.0 %s #%s files', async (variant, form) => {
    const records = [portalMedia(7, 'x', variant === 'UK' ? 'B' : 2), portalMedia('abc', 'y', null)];
    const text =
      form === 'Cases'
        ? casesFile(v2Context(variant, form), records)
        : mediaFile(v2Context(variant, form), records);
    const events = await readAll(inPieces(text, 11));
    expect(events[0]).toEqual({ kind: 'context', context: { version: '2.0', variant, form } });
    const parsed = media(events).map((r) =>
      parseVicsMedia(r.record, r.recordNumber, variant === 'UK' ? 'free' : 'us'),
    );
    expect(parsed.map((m) => [m.mediaId, m.category, m.isPrecategorized])).toEqual([
      ['7', variant === 'UK' ? 'B' : '2', true],
      ['abc', null, true],
    ]);
  });

  it('reads a 1.1 #Media hash set and a Media value that is a single object, and ignores unknown top-level keys', async () => {
    const text = JSON.stringify({
      'odata.metadata': V11_MEDIA,
      'odata.count': 1,
      extra: { nested: [1, 2, { deep: true }] },
      value: [portalMedia(1, 'z', 5)],
    });
    expect(media(await readAll(inPieces(text, 4)))).toHaveLength(1);
  });

  it('keeps escapes, unicode and surrogate pairs intact across chunk boundaries', async () => {
    const record = { ...portalMedia(1, 'u', 1), Comments: 'quote " slash \\ tab \t é 漢字 😀 \u0001' };
    const text = mediaFile(v2Context('US', 'Media'), [record]);
    for (const size of [1, 2, 3, 5]) {
      const [only] = media(await readAll(inPieces(text, size)));
      expect(parseVicsMedia(only!.record, 1, 'us').comments).toBe(record.Comments);
    }
  });

  it('refuses malformed JSON with the line where it broke', async () => {
    const broken = `{"@odata.context": "${v2Context('US', 'Media')}",\n"value": [\n{"MediaID": 1,, "MD5": "x"}]}`;
    expect(await failure(broken)).toMatch(/malformed JSON: expected a property name .* \(line 3/);
    expect(await failure(`{"@odata.context": "${v2Context('US', 'Media')}", "value": [`)).toMatch(
      /ends before its brackets are closed/,
    );
    expect(await failure('')).toMatch(/empty document/);
    expect(await failure('[1,2]')).toMatch(/JSON object, not an array/);
    expect(await failure(`{"@odata.context": "${v2Context('US', 'Media')}", "value": [{"a": tru}]}`)).toMatch(
      /expected a value/,
    );
    expect(await failure(`{"@odata.context": "${v2Context('US', 'Media')}", "value": []} trailing`)).toMatch(
      /after the end of the document/,
    );
    expect(
      await failure(`{"@odata.context": "${v2Context('US', 'Media')}", "value": [{"a": "x\ny"}]}`),
    ).toMatch(/raw control character/);
    expect(
      await failure(`{"@odata.context": "${v2Context('US', 'Media')}", "value": [{"a": "\\q"}]}`),
    ).toMatch(/invalid escape/);
    expect(await failure(`{"@odata.context": "${v2Context('US', 'Media')}", "value": [{"a": 01}]}`)).toMatch(
      /malformed number/,
    );
  });

  it('refuses wrong or missing OData contexts, and a context after the data', async () => {
    expect(await failure(mediaFile('http://example.org/$metadata#Media', [portalMedia(1, 'a', 1)]))).toMatch(
      /wrong OData context: .* not a VICS 2.0 context/,
    );
    expect(await failure(mediaFile(v2Context('US', 'Media'), [], 'odata.metadata'))).toMatch(
      /holds a VICS 2.0 context; 2.0 files use "@odata.context"/,
    );
    expect(await failure(mediaFile(v2Context('FR', 'Media'), []))).toMatch(/unknown VICS 2.0 variant "FR"/);
    expect(await failure(JSON.stringify({ value: [] }))).toMatch(/must come before "value"/);
    expect(await failure(JSON.stringify({ '@odata.context': v2Context('US', 'Media') }))).toMatch(
      /no "value" array/,
    );
    expect(await failure(JSON.stringify({ other: 1 }))).toMatch(/no OData context/);
  });

  it('refuses gigantic strings and records without holding them', async () => {
    const huge = mediaFile(v2Context('US', 'Media'), [
      { ...portalMedia(1, 'a', 1), Comments: 'x'.repeat(10_000) },
    ]);
    expect(await failure(inPieces(huge, 1000))).toMatch(
      /media record 1: a single value is longer than 4096 characters/,
    );
    const wide = mediaFile(v2Context('US', 'Media'), [
      {
        ...portalMedia(1, 'a', 1),
        Exifs: Array.from({ length: 5000 }, (_, i) => ({ PropertyName: `k${i}`, PropertyValue: 'v' })),
      },
    ]);
    expect(await failure(inPieces(wide, 1000))).toMatch(
      /media record 1: the record is larger than 65536 characters/,
    );
    const deep = `{"@odata.context": "${v2Context('US', 'Media')}", "value": [{"a": ${'['.repeat(100)}`;
    expect(await failure(deep)).toMatch(/nesting deeper than 64 levels/);
  });

  it('refuses text that is not UTF-8 (Latin-1, UTF-16) and says so', async () => {
    const good = Buffer.from(
      mediaFile(v2Context('US', 'Media'), [{ ...portalMedia(1, 'a', 1), Comments: 'caf_' }]),
    );
    const latin1 = Buffer.from(good);
    latin1[latin1.indexOf('caf_') + 3] = 0xe9;
    const once = (bytes: Buffer): AsyncGenerator<Uint8Array> => inPieces(bytes, bytes.length);
    expect(await failure(once(latin1))).toMatch(/not valid UTF-8 near byte 0 \(mixed or legacy encoding/);
    expect(await failure(once(Buffer.from(`\ufeff${good.toString()}`, 'utf16le')))).toMatch(/UTF-16/);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]);
    expect(media(await readAll(once(bom)))).toHaveLength(1);
  });

  it('streams a generated file of hundreds of thousands of records without holding it, and names the record that breaks it', async () => {
    const records = 200_000;
    async function* generated(): AsyncGenerator<string> {
      yield `{"@odata.context":"${v2Context('US', 'Media')}","value":[`;
      let batch: string[] = [];
      for (let i = 1; i <= records; i += 1) {
        batch.push(
          `${i === 1 ? '' : ','}{"MediaID":${i},"Category":1,"MD5":"${'0'.repeat(28)}${(i % 65536).toString(16).padStart(4, '0')}"}`,
        );
        if (batch.length === 5000) {
          await Promise.resolve();
          yield batch.join('');
          batch = [];
        }
      }
      yield batch.join('');
      // A last record with a value far beyond the limit: refused while streaming, never held whole.
      yield `,{"MediaID":0,"MD5":"${'a'.repeat(8192)}`;
      for (let i = 0; i < 1000; i += 1) {
        yield 'b'.repeat(65536);
      }
      yield '"}]}';
    }
    let seen = 0;
    let failure: unknown = null;
    try {
      for await (const batch of readVics(generated(), { maxString: 4096, maxRecord: 64 * 1024 })) {
        seen += batch.filter((event) => event.kind === 'media').length;
      }
    } catch (error) {
      failure = error;
    }
    expect(seen).toBe(records);
    // Records arrive batch by batch as the text streams in; the oversized value is refused as soon as
    // it passes the limit, so the 64 MB tail behind it is never read (memory figures: bench:sharing).
    expect(String(failure)).toMatch(/media record 200001: a single value is longer than 4096 characters/);
  });

  it('refuses a repeated property inside a record', async () => {
    const text = `{"@odata.context": "${v2Context('US', 'Media')}", "value": [{"MediaID": 1, "MediaID": 2}]}`;
    expect(await failure(text)).toMatch(/media record 1: property "MediaID" appears twice/);
  });
});

describe('parseVicsMedia', () => {
  const base = portalMedia(3, 'p', 1);
  const reason = (record: Record<string, unknown>, rule: 'us' | 'free' = 'us'): string => {
    try {
      parseVicsMedia(record as JsonValue, 9, rule);
    } catch (error) {
      expect(error).toBeInstanceOf(VicsRecordError);
      return (error as Error).message;
    }
    throw new Error('expected the record to be refused');
  };

  it('names the record, the MediaID and the field of every problem', () => {
    expect(reason({ ...base, MD5: 'abc' })).toBe(
      'media record 9 (MediaID 3), field MD5: "abc" is not a MD5 hash (32 hexadecimal digits, found 3 characters)',
    );
    expect(reason({ ...base, SHA1: 'Z'.repeat(40) })).toMatch(/field SHA1: .* is not a SHA1 hash/);
    expect(reason({ MediaID: 4 })).toMatch(/field MD5: no hash that can be matched/);
    expect(reason({ MediaID: 4, MD5: '', SHA1: null, PhotoDNA: 'AAAA' })).toMatch(
      /no hash that can be matched/,
    );
    expect(reason({ ...base, MediaID: undefined })).toBe('media record 9, field MediaID: is missing');
    expect(reason({ ...base, MediaID: { a: 1 } })).toMatch(
      /field MediaID: must be a number or non-empty text/,
    );
    expect(reason({ ...base, Category: 7 })).toMatch(/field Category: 7 is not a VICS US category \(0-5\)/);
    expect(reason({ ...base, VictimIdentified: 'maybe' })).toMatch(
      /field VictimIdentified: "maybe" is not a boolean/,
    );
    expect(reason({ ...base, MediaSize: -3 })).toMatch(/field MediaSize: -3 is not a size in bytes/);
    expect(reason({ ...base, AlternativeHashes: [{ HashName: 'PDQ', HashValue: 'ff' }] })).toMatch(
      /field AlternativeHashes\[0\].HashValue: "ff" is not a PDQ hash/,
    );
    expect(reason({ ...base, MediaFiles: [{ MD5: 'nothex' }] })).toMatch(/field MediaFiles\[0\].MD5/);
    expect(reason({ ...base, Exifs: [{ PropertyValue: 'x' }] })).toMatch(
      /field Exifs\[0\].PropertyName: is missing/,
    );
    expect(reason({ ...base, Comments: 'c'.repeat(70_000) })).toMatch(
      /field Comments: is 70000 characters long/,
    );
    expect(reason({ ...base, mediaid: 5 })).toMatch(/appears twice/);
  });

  it('accepts free category codes for the UK and CUSTOM variants', () => {
    expect(parseVicsMedia({ ...base, Category: 'A' }, 1, 'free').category).toBe('A');
  });
});
