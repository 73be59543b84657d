import { descriptorDistance } from './descriptor-hamming.js';
import { seededRandom } from '#haven/platform/random/seeded-random.js';

/**
 * A hierarchical binary vocabulary (k-majority tree, as in DBoW): each node splits its descriptors
 * into up to `branching` clusters whose centres are bitwise majorities. A descriptor's word is the
 * leaf reached by walking to the nearest centre at each level, so quantising costs
 * branching x depth distances instead of one per word.
 */
export interface BinaryVocabulary {
  readonly branching: number;
  readonly depth: number;
  /** Centres of every node, 8 words each; node 0 is the root (no centre used). */
  readonly centres: Uint32Array;
  /** For node n: index of its first child in `centres`, or -1 for a leaf. */
  readonly firstChild: Int32Array;
  /** For node n: number of children. */
  readonly childCount: Uint8Array;
  /** For node n: its word id when it is a leaf, else -1. */
  readonly wordOf: Int32Array;
  readonly wordCount: number;
}

interface TrainOptions {
  readonly branching: number;
  readonly depth: number;
  readonly iterations: number;
  readonly seed: number;
}

export const DEFAULT_VOCABULARY: TrainOptions = { branching: 16, depth: 4, iterations: 6, seed: 1 };

function majority(words: Uint32Array, members: readonly number[], into: Uint32Array, at: number): void {
  const half = members.length / 2;
  for (let w = 0; w < 8; w += 1) {
    let value = 0;
    for (let bit = 0; bit < 32; bit += 1) {
      let ones = 0;
      for (const m of members) {
        ones += (words[m * 8 + w]! >>> bit) & 1;
      }
      if (ones > half) {
        value |= 1 << bit;
      }
    }
    into[at * 8 + w] = value >>> 0;
  }
}

/** Trains a vocabulary on descriptors (8 words each). Deterministic for a given input and seed. */
export function trainVocabulary(
  words: Uint32Array,
  options: TrainOptions = DEFAULT_VOCABULARY,
): BinaryVocabulary {
  const next = seededRandom(options.seed);
  const centres: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  const firstChild: number[] = [-1];
  const childCount: number[] = [0];
  const all = Array.from({ length: words.length / 8 }, (_, i) => i);
  const queue: { node: number; members: number[]; level: number }[] = [{ node: 0, members: all, level: 0 }];
  const scratch = new Uint32Array(options.branching * 8);
  while (queue.length > 0) {
    const { node, members, level } = queue.shift()!;
    if (level >= options.depth || members.length <= options.branching) {
      continue;
    }
    const k = options.branching;
    // k-means++ style seeding spreads the centres; plain random picks duplicates on flat images.
    const seeds: number[] = [members[Math.floor(next() * members.length)]!];
    const nearest = new Float64Array(members.length).fill(Infinity);
    while (seeds.length < k) {
      const last = seeds[seeds.length - 1]!;
      let total = 0;
      for (let i = 0; i < members.length; i += 1) {
        const d = descriptorDistance(words, members[i]!, words, last);
        if (d * d < nearest[i]!) {
          nearest[i] = d * d;
        }
        total += nearest[i]!;
      }
      if (total === 0) {
        break;
      }
      let pick = next() * total;
      let chosen = members[members.length - 1]!;
      for (let i = 0; i < members.length; i += 1) {
        pick -= nearest[i]!;
        if (pick <= 0) {
          chosen = members[i]!;
          break;
        }
      }
      seeds.push(chosen);
    }
    const centreCount = seeds.length;
    seeds.forEach((s, c) => {
      scratch.set(words.subarray(s * 8, s * 8 + 8), c * 8);
    });
    let groups: number[][] = [];
    for (let iteration = 0; iteration < options.iterations; iteration += 1) {
      groups = Array.from({ length: centreCount }, () => []);
      for (const m of members) {
        let best = 0;
        let bestDistance = 257;
        for (let c = 0; c < centreCount; c += 1) {
          const d = descriptorDistance(words, m, scratch, c);
          if (d < bestDistance) {
            bestDistance = d;
            best = c;
          }
        }
        groups[best]!.push(m);
      }
      groups.forEach((group, c) => {
        if (group.length > 0) {
          majority(words, group, scratch, c);
        }
      });
    }
    const kept = groups.map((group, c) => ({ group, c })).filter(({ group }) => group.length > 0);
    if (kept.length < 2) {
      continue;
    }
    firstChild[node] = firstChild.length;
    childCount[node] = kept.length;
    for (const { group, c } of kept) {
      const child = firstChild.length;
      firstChild.push(-1);
      childCount.push(0);
      for (let w = 0; w < 8; w += 1) {
        centres.push(scratch[c * 8 + w]!);
      }
      queue.push({ node: child, members: group, level: level + 1 });
    }
  }
  const wordOf = new Int32Array(firstChild.length).fill(-1);
  let wordCount = 0;
  for (let n = 0; n < firstChild.length; n += 1) {
    if (firstChild[n] === -1) {
      wordOf[n] = wordCount;
      wordCount += 1;
    }
  }
  return {
    branching: options.branching,
    depth: options.depth,
    centres: Uint32Array.from(centres),
    firstChild: Int32Array.from(firstChild),
    childCount: Uint8Array.from(childCount),
    wordOf,
    wordCount,
  };
}

/** The word of each descriptor (8 words each). */
export function quantise(vocabulary: BinaryVocabulary, words: Uint32Array): Uint32Array {
  const count = words.length / 8;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) {
    let node = 0;
    while (vocabulary.firstChild[node]! !== -1) {
      const first = vocabulary.firstChild[node]!;
      let best = first;
      let bestDistance = 257;
      for (let c = first; c < first + vocabulary.childCount[node]!; c += 1) {
        const d = descriptorDistance(words, i, vocabulary.centres, c);
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
      node = best;
    }
    out[i] = vocabulary.wordOf[node]!;
  }
  return out;
}

/** Serialised form: a small header then the node arrays (little-endian). */
export function serializeVocabulary(vocabulary: BinaryVocabulary): Uint8Array {
  const nodes = vocabulary.firstChild.length;
  const out = new Uint8Array(12 + nodes * (32 + 4 + 1));
  const view = new DataView(out.buffer);
  view.setUint32(0, vocabulary.branching, true);
  view.setUint32(4, vocabulary.depth, true);
  view.setUint32(8, nodes, true);
  let at = 12;
  for (let n = 0; n < nodes; n += 1) {
    for (let w = 0; w < 8; w += 1) {
      view.setUint32(at, vocabulary.centres[n * 8 + w]!, true);
      at += 4;
    }
    view.setInt32(at, vocabulary.firstChild[n]!, true);
    at += 4;
    out[at] = vocabulary.childCount[n]!;
    at += 1;
  }
  return out;
}

export function deserializeVocabulary(bytes: Uint8Array): BinaryVocabulary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const branching = view.getUint32(0, true);
  const depth = view.getUint32(4, true);
  const nodes = view.getUint32(8, true);
  if (bytes.byteLength !== 12 + nodes * 37) {
    throw new Error('vocabulary bytes have the wrong length');
  }
  const centres = new Uint32Array(nodes * 8);
  const firstChild = new Int32Array(nodes);
  const childCount = new Uint8Array(nodes);
  let at = 12;
  for (let n = 0; n < nodes; n += 1) {
    for (let w = 0; w < 8; w += 1) {
      centres[n * 8 + w] = view.getUint32(at, true);
      at += 4;
    }
    firstChild[n] = view.getInt32(at, true);
    at += 4;
    childCount[n] = bytes[at]!;
    at += 1;
  }
  const wordOf = new Int32Array(nodes).fill(-1);
  let wordCount = 0;
  for (let n = 0; n < nodes; n += 1) {
    if (firstChild[n] === -1) {
      wordOf[n] = wordCount;
      wordCount += 1;
    }
  }
  return { branching, depth, centres, firstChild, childCount, wordOf, wordCount };
}

/**
 * The node each descriptor reaches `level` steps down the tree (the root is level 0), and with
 * `probes` > 1 also the runners-up among that last step's siblings (-1 where there are fewer):
 * `probes` node ids per descriptor. Descriptors that match share their branch near the root.
 */
export function branches(
  vocabulary: BinaryVocabulary,
  words: Uint32Array,
  level: number,
  probes = 1,
): Int32Array {
  const count = words.length / 8;
  const out = new Int32Array(count * probes).fill(-1);
  // The nearest `probes` children of the last step, best first (insertion into a short list).
  const topNode = new Int32Array(probes);
  const topDistance = new Int32Array(probes);
  for (let i = 0; i < count; i += 1) {
    let node = 0;
    for (let step = 0; step < level && vocabulary.firstChild[node]! !== -1; step += 1) {
      const first = vocabulary.firstChild[node]!;
      topNode.fill(-1);
      topDistance.fill(257);
      for (let c = first; c < first + vocabulary.childCount[node]!; c += 1) {
        const d = descriptorDistance(words, i, vocabulary.centres, c);
        let at = probes;
        while (at > 0 && d < topDistance[at - 1]!) {
          at -= 1;
        }
        if (at < probes) {
          topNode.copyWithin(at + 1, at, probes - 1);
          topDistance.copyWithin(at + 1, at, probes - 1);
          topNode[at] = c;
          topDistance[at] = d;
        }
      }
      node = topNode[0]!;
      if (step === level - 1) {
        out.set(topNode, i * probes);
      }
    }
    if (out[i * probes] === -1) {
      out[i * probes] = node;
    }
  }
  return out;
}
