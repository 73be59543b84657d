/**
 * Real-image PDQ reference vectors (shared/pdq/vectors): our decoder must give ImageMagick's
 * samples byte for byte, and decoder + hasher must give the reference core hash bit for bit.
 *
 * Exceptions, both documented in shared/pdq/vectors/README.md:
 * - modes/CMYK.jpg: libvips converts CMYK to RGB differently from ImageMagick, so the samples differ
 *   and the hash is allowed to be up to 8 bits away.
 * - I16.png (16-bit grey): ImageMagick's payload is 16-bit; we reduce by `v >> 8` and must match
 *   the documented "Scaled" hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pdqHash } from '#haven/signals/pdq/pdq-hasher.js';
import { pdqDistance, pdqToHex } from '#haven/signals/pdq/pdq-hex.js';
import { decodeForHashing } from './decode-image.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { readTsv, sharedPath } from '../../../test/support/shared-data.js';

const LIMITS = { maxPixels: 50_000_000 };
const CMYK_FILE = 'pdq/data/misc-images/modes/CMYK.jpg';
const I16_FILE = 'python-threatexchange/threatexchange/tests/hashing/resources/I16.png';
const I16_SCALED = { hash: '628dbaa85045ffef9b101e3214f156c24b1dbefba74d25a5c90d046c6b54e536', quality: 100 };
const MIME_BY_FORMAT: Readonly<Record<string, string>> = { JPEG: 'image/jpeg', PNG: 'image/png' };

const rows = readTsv(sharedPath('pdq', 'vectors', 'expected', 'images.tsv'));

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function decodeVector(
  file: string,
  format: string,
): Promise<Awaited<ReturnType<typeof decodeForHashing>>> {
  const mime = MIME_BY_FORMAT[format];
  if (mime === undefined) {
    throw new Error(`vector format ${format} not mapped`);
  }
  const bytes = readFileSync(sharedPath('pdq', 'vectors', 'files', file));
  return decodeForHashing(bytes, mime, LIMITS);
}

describe('real-image PDQ vectors', () => {
  it('lists the expected 25 images', () => {
    expect(rows).toHaveLength(25);
  });

  for (const row of rows) {
    const file = row.file!;
    it(file, async () => {
      const decoded = await decodeVector(file, row.format!);
      expect([decoded.width, decoded.height]).toEqual([Number(row.width), Number(row.height)]);
      expect(decoded.image.data.length).toBe(decoded.width * decoded.height * decoded.image.channels);
      expect(decoded.pipeline).toContain('icc=ignored');
      const result = pdqHash(decoded.image);
      const hex = pdqToHex(result.hash);

      if (file === I16_FILE) {
        expect(decoded.image.channels).toBe(1);
        expect({ hash: hex, quality: result.quality }).toEqual(I16_SCALED);
        return;
      }
      expect(decoded.image.channels).toBe(Number(row.decoded_channels));
      if (file === CMYK_FILE) {
        expect(pdqDistance(result.hash, Buffer.from(row.core_hash!, 'hex'))).toBeLessThanOrEqual(8);
        return;
      }
      expect(sha256(decoded.image.data)).toBe(row.decoded_payload_sha256);
      expect({ hash: hex, quality: result.quality }).toEqual({
        hash: row.core_hash,
        quality: Number(row.core_quality),
      });
    });
  }

  it('decodes the 8 dihedral bridge files to the same samples as ImageMagick', async () => {
    const bridges = rows.filter((row) => row.file!.includes('/dih/bridge-'));
    expect(bridges).toHaveLength(8);
    for (const row of bridges) {
      const decoded = await decodeVector(row.file!, row.format!);
      expect(sha256(decoded.image.data), row.file).toBe(row.decoded_payload_sha256);
    }
  });
});
