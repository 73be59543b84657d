import { createHash } from 'node:crypto';
import type { ByteStreamSignalType, ContentKind } from '#haven/signals/signal-type.js';
import { ExactIndex } from '#haven/signals/exact/exact-index.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

const ALL_CONTENT: readonly ContentKind[] = ['image', 'video', 'other'];

/** A cryptographic hash over the file's bytes, as a signal: exact matches only. */
export function cryptoSignal(name: string, algorithm: string, byteLength: number): ByteStreamSignalType {
  const hexPattern = new RegExp(`^[0-9a-f]{${byteLength * 2}}$`);
  return {
    name,
    input: 'bytes',
    contentKinds: ALL_CONTENT,
    matchKind: 'exact',
    byteLength,
    defaultThreshold: 0,
    defaultMinQuality: 0,
    pipelineVersion: `${algorithm}-v1`,
    createHasher() {
      const hash = createHash(algorithm);
      return {
        update(chunk) {
          hash.update(chunk);
        },
        digest: () => hash.digest(),
      };
    },
    toText: (bytes) => Buffer.from(bytes).toString('hex'),
    fromText(text) {
      const normalised = text.trim().toLowerCase();
      if (!hexPattern.test(normalised)) {
        throw havenError('INVALID_HASH', {
          signal: name,
          reason: `expected ${byteLength * 2} hexadecimal digits, got ${JSON.stringify(text.slice(0, 80))}`,
        });
      }
      return Buffer.from(normalised, 'hex');
    },
    distance: (a, b) => (Buffer.from(a).equals(Buffer.from(b)) ? 0 : byteLength * 8),
    createIndex: () => new ExactIndex(byteLength),
    buildIndex(ids, values) {
      const index = new ExactIndex(byteLength);
      ids.forEach((id, i) => {
        index.add(id, values.subarray(i * byteLength, (i + 1) * byteLength));
      });
      return index;
    },
    deserializeIndex: (bytes) => ExactIndex.deserialize(bytes, byteLength),
  };
}
