/** One candidate of an inverted-file query: the document's id and its vote score. */
export interface Candidate {
  readonly id: number;
  readonly score: number;
}

class Postings {
  slots = new Uint32Array(4);
  counts = new Uint16Array(4);
  length = 0;

  push(slot: number, count: number): void {
    if (this.length === this.slots.length) {
      const slots = new Uint32Array(this.length * 2);
      slots.set(this.slots);
      this.slots = slots;
      const counts = new Uint16Array(this.length * 2);
      counts.set(this.counts);
      this.counts = counts;
    }
    this.slots[this.length] = slot;
    this.counts[this.length] = count;
    this.length += 1;
  }
}

/** "HIF2": the snapshot format's first four bytes. */
const MAGIC = 0x32464948;

function align8(value: number): number {
  return Math.ceil(value / 8) * 8;
}

/** Byte offsets of a snapshot's blocks. */
function blockLayout(wordCount: number, slots: number, postingEntries: number) {
  const ids = 16;
  const sizes = ids + slots * 8;
  const live = align8(sizes + slots * 4);
  const lengths = align8(live + slots);
  const postingSlots = align8(lengths + wordCount * 4);
  const postingCounts = align8(postingSlots + postingEntries * 4);
  const total = align8(postingCounts + postingEntries * 2);
  return { ids, sizes, live, lengths, postingSlots, postingCounts, total };
}

/** The `limit` best-scored slots seen so far: a min-heap, so a query never sorts every document. */
class TopK {
  readonly #slots: number[] = [];
  readonly #scores: number[] = [];
  readonly #ids: number[] = [];

  constructor(private readonly limit: number) {}

  /** Higher score first; on a tie, the lower id (a stable order across runs). */
  #worse(a: number, b: number): boolean {
    return (
      this.#scores[a]! < this.#scores[b]! ||
      (this.#scores[a] === this.#scores[b] && this.#ids[a]! > this.#ids[b]!)
    );
  }

  offer(slot: number, score: number, id: number): void {
    if (this.limit <= 0) {
      return;
    }
    if (this.#slots.length < this.limit) {
      this.#slots.push(slot);
      this.#scores.push(score);
      this.#ids.push(id);
      this.#up(this.#slots.length - 1);
      return;
    }
    if (score < this.#scores[0]! || (score === this.#scores[0] && id > this.#ids[0]!)) {
      return;
    }
    this.#slots[0] = slot;
    this.#scores[0] = score;
    this.#ids[0] = id;
    this.#down(0);
  }

  sorted(): { slot: number; score: number }[] {
    return this.#slots
      .map((slot, k) => ({ slot, score: this.#scores[k]!, id: this.#ids[k]! }))
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .map(({ slot, score }) => ({ slot, score }));
  }

  #swap(a: number, b: number): void {
    for (const list of [this.#slots, this.#scores, this.#ids]) {
      const t = list[a]!;
      list[a] = list[b]!;
      list[b] = t;
    }
  }

  #up(at: number): void {
    let child = at;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.#worse(child, parent)) {
        return;
      }
      this.#swap(child, parent);
      child = parent;
    }
  }

  #down(at: number): void {
    let parent = at;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let worst = parent;
      if (left < this.#slots.length && this.#worse(left, worst)) {
        worst = left;
      }
      if (right < this.#slots.length && this.#worse(right, worst)) {
        worst = right;
      }
      if (worst === parent) {
        return;
      }
      this.#swap(parent, worst);
      parent = worst;
    }
  }
}

/** How often each word occurs in one list of words. */
function wordCounts(words: Uint32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const word of words) {
    counts.set(word, Math.min(65535, (counts.get(word) ?? 0) + 1));
  }
  return counts;
}

/**
 * Inverted file over visual words: for each word, the documents holding it. A query votes with
 * idf-weighted shared word counts, normalised by the document's size so that images with many
 * keypoints do not win by volume. Documents are only appended or tombstoned, so it grows
 * incrementally and serialises as it is.
 */
export class InvertedFile {
  readonly #postings: (Postings | undefined)[];
  #ids = new Float64Array(16);
  #sizes = new Uint32Array(16);
  #live = new Uint8Array(16);
  #slots = 0;
  #liveCount = 0;
  readonly #slotOfId = new Map<number, number>();

  constructor(readonly wordCount: number) {
    this.#postings = new Array<Postings | undefined>(wordCount);
  }

  get size(): number {
    return this.#liveCount;
  }

  has(id: number): boolean {
    return this.#slotOfId.has(id);
  }

  /** Adds a document; adding an id already held does nothing (callers may replay). */
  add(id: number, words: Uint32Array): void {
    if (this.#slotOfId.has(id)) {
      return;
    }
    const slot = this.#newSlot(id, words.length);
    for (const [word, count] of wordCounts(words)) {
      if (word >= this.wordCount) {
        throw new Error(`word ${word} is outside the vocabulary`);
      }
      let list = this.#postings[word];
      if (!list) {
        list = new Postings();
        this.#postings[word] = list;
      }
      list.push(slot, count);
    }
  }

  remove(id: number): void {
    const slot = this.#slotOfId.get(id);
    if (slot !== undefined && this.#live[slot] === 1) {
      this.#live[slot] = 0;
      this.#liveCount -= 1;
      this.#slotOfId.delete(id);
    }
  }

  /** The `limit` best-voted documents for a query's words. */
  query(words: Uint32Array, limit: number): Candidate[] {
    const scores = new Float32Array(this.#slots);
    const documents = Math.max(1, this.#liveCount);
    for (const [word, queryCount] of wordCounts(words)) {
      const list = this.#postings[word];
      if (!list || list.length === 0) {
        continue;
      }
      const idf = Math.log(1 + documents / list.length);
      const { slots, counts, length } = list;
      if (queryCount === 1) {
        // The common case: every posting counts at least once, so the counts need not be read.
        for (let i = 0; i < length; i += 1) {
          scores[slots[i]!]! += idf;
        }
      } else {
        for (let i = 0; i < length; i += 1) {
          scores[slots[i]!]! += idf * Math.min(queryCount, counts[i]!);
        }
      }
    }
    const heap = new TopK(limit);
    for (let slot = 0; slot < this.#slots; slot += 1) {
      const raw = scores[slot]!;
      if (raw > 0 && this.#live[slot] === 1) {
        heap.offer(slot, raw / Math.sqrt(Math.max(1, this.#sizes[slot]!)), this.#ids[slot]!);
      }
    }
    return heap.sorted().map(({ slot, score }) => ({ id: this.#ids[slot]!, score }));
  }

  /** Bytes held by the postings and per-document arrays (for reporting). */
  byteSize(): number {
    let total = this.#ids.byteLength + this.#sizes.byteLength + this.#live.byteLength;
    for (const list of this.#postings) {
      total += list ? list.slots.byteLength + list.counts.byteLength : 0;
    }
    return total;
  }

  /**
   * Column layout, every block 8-byte aligned, so loading is a few block copies and views instead
   * of a read per posting: header (magic, words, slots, postings), ids (f64), sizes (u32),
   * live flags (u8), posting lengths per word (u32), all posting slots (u32), all counts (u16).
   */
  serialize(): Uint8Array {
    let postingEntries = 0;
    for (const list of this.#postings) {
      postingEntries += list?.length ?? 0;
    }
    const layout = blockLayout(this.wordCount, this.#slots, postingEntries);
    const bytes = new Uint8Array(layout.total);
    const header = new Uint32Array(bytes.buffer, 0, 4);
    header.set([MAGIC, this.wordCount, this.#slots, postingEntries]);
    new Float64Array(bytes.buffer, layout.ids, this.#slots).set(this.#ids.subarray(0, this.#slots));
    new Uint32Array(bytes.buffer, layout.sizes, this.#slots).set(this.#sizes.subarray(0, this.#slots));
    bytes.set(this.#live.subarray(0, this.#slots), layout.live);
    const lengths = new Uint32Array(bytes.buffer, layout.lengths, this.wordCount);
    const slots = new Uint32Array(bytes.buffer, layout.postingSlots, postingEntries);
    const counts = new Uint16Array(bytes.buffer, layout.postingCounts, postingEntries);
    let at = 0;
    for (let word = 0; word < this.wordCount; word += 1) {
      const list = this.#postings[word];
      const length = list?.length ?? 0;
      lengths[word] = length;
      if (list && length > 0) {
        slots.set(list.slots.subarray(0, length), at);
        counts.set(list.counts.subarray(0, length), at);
        at += length;
      }
    }
    return bytes;
  }

  static deserialize(input: Uint8Array): InvertedFile {
    if (input.byteLength < 16) {
      throw new Error('inverted file bytes are too short');
    }
    // Typed views need aligned offsets: an unaligned input is copied once.
    const bytes = input.byteOffset % 8 === 0 ? input : Uint8Array.from(input);
    const header = new Uint32Array(bytes.buffer, bytes.byteOffset, 4);
    const [magic, wordCount, slots, postingEntries] = [header[0]!, header[1]!, header[2]!, header[3]!];
    if (magic !== MAGIC) {
      throw new Error('inverted file bytes are not a snapshot of this format');
    }
    const layout = blockLayout(wordCount, slots, postingEntries);
    if (bytes.byteLength !== layout.total) {
      throw new Error('inverted file bytes have the wrong length');
    }
    const base = bytes.byteOffset;
    const index = new InvertedFile(wordCount);
    const capacity = Math.max(16, slots);
    index.#ids = new Float64Array(capacity);
    index.#ids.set(new Float64Array(bytes.buffer, base + layout.ids, slots));
    index.#sizes = new Uint32Array(capacity);
    index.#sizes.set(new Uint32Array(bytes.buffer, base + layout.sizes, slots));
    index.#live = new Uint8Array(capacity);
    index.#live.set(bytes.subarray(layout.live, layout.live + slots));
    index.#slots = slots;
    for (let slot = 0; slot < slots; slot += 1) {
      if (index.#live[slot] === 1) {
        index.#liveCount += 1;
        index.#slotOfId.set(index.#ids[slot]!, slot);
      }
    }
    const lengths = new Uint32Array(bytes.buffer, base + layout.lengths, wordCount);
    let total = 0;
    for (let word = 0; word < wordCount; word += 1) {
      total += lengths[word]!;
    }
    if (total !== postingEntries) {
      throw new Error('inverted file posting lengths do not add up');
    }
    // One copy of all postings; each word's list is a view into it until it grows.
    const allSlots = Uint32Array.from(
      new Uint32Array(bytes.buffer, base + layout.postingSlots, postingEntries),
    );
    const allCounts = Uint16Array.from(
      new Uint16Array(bytes.buffer, base + layout.postingCounts, postingEntries),
    );
    let at = 0;
    for (let word = 0; word < wordCount; word += 1) {
      const length = lengths[word]!;
      if (length === 0) {
        continue;
      }
      const list = new Postings();
      list.slots = allSlots.subarray(at, at + length);
      list.counts = allCounts.subarray(at, at + length);
      list.length = length;
      for (let i = 0; i < length; i += 1) {
        if (list.slots[i]! >= slots) {
          throw new Error('inverted file posting points outside the documents');
        }
      }
      index.#postings[word] = list;
      at += length;
    }
    return index;
  }

  #newSlot(id: number, size: number): number {
    if (this.#slots === this.#ids.length) {
      const grow = this.#slots * 2;
      const ids = new Float64Array(grow);
      ids.set(this.#ids);
      this.#ids = ids;
      const sizes = new Uint32Array(grow);
      sizes.set(this.#sizes);
      this.#sizes = sizes;
      const live = new Uint8Array(grow);
      live.set(this.#live);
      this.#live = live;
    }
    const slot = this.#slots;
    this.#ids[slot] = id;
    this.#sizes[slot] = size;
    this.#live[slot] = 1;
    this.#slots += 1;
    this.#liveCount += 1;
    this.#slotOfId.set(id, slot);
    return slot;
  }
}
