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
      const { slots, counts } = list;
      for (let i = 0; i < list.length; i += 1) {
        scores[slots[i]!]! += idf * Math.min(queryCount, counts[i]!);
      }
    }
    const best: Candidate[] = [];
    let floor = 0;
    for (let slot = 0; slot < this.#slots; slot += 1) {
      const raw = scores[slot]!;
      if (raw <= 0 || this.#live[slot] !== 1) {
        continue;
      }
      const score = raw / Math.sqrt(Math.max(1, this.#sizes[slot]!));
      if (best.length >= limit && score <= floor) {
        continue;
      }
      best.push({ id: this.#ids[slot]!, score });
      if (best.length > limit * 2) {
        best.sort((a, b) => b.score - a.score);
        best.length = limit;
        floor = best[limit - 1]!.score;
      }
    }
    best.sort((a, b) => b.score - a.score || a.id - b.id);
    return best.slice(0, limit);
  }

  /** Bytes held by the postings and per-document arrays (for reporting). */
  byteSize(): number {
    let total = this.#ids.byteLength + this.#sizes.byteLength + this.#live.byteLength;
    for (const list of this.#postings) {
      total += list ? list.slots.byteLength + list.counts.byteLength : 0;
    }
    return total;
  }

  serialize(): Uint8Array {
    let postingEntries = 0;
    for (const list of this.#postings) {
      postingEntries += list?.length ?? 0;
    }
    const bytes = new Uint8Array(12 + this.#slots * 13 + this.wordCount * 4 + postingEntries * 6);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, this.wordCount, true);
    view.setUint32(4, this.#slots, true);
    view.setUint32(8, postingEntries, true);
    let at = 12;
    for (let slot = 0; slot < this.#slots; slot += 1) {
      view.setFloat64(at, this.#ids[slot]!, true);
      view.setUint32(at + 8, this.#sizes[slot]!, true);
      bytes[at + 12] = this.#live[slot]!;
      at += 13;
    }
    for (let word = 0; word < this.wordCount; word += 1) {
      const list = this.#postings[word];
      const length = list?.length ?? 0;
      view.setUint32(at, length, true);
      at += 4;
      for (let i = 0; i < length; i += 1) {
        view.setUint32(at, list!.slots[i]!, true);
        view.setUint16(at + 4, list!.counts[i]!, true);
        at += 6;
      }
    }
    return bytes;
  }

  static deserialize(bytes: Uint8Array): InvertedFile {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const wordCount = view.getUint32(0, true);
    const slots = view.getUint32(4, true);
    const postingEntries = view.getUint32(8, true);
    if (bytes.byteLength !== 12 + slots * 13 + wordCount * 4 + postingEntries * 6) {
      throw new Error('inverted file bytes have the wrong length');
    }
    const index = new InvertedFile(wordCount);
    let at = 12;
    for (let slot = 0; slot < slots; slot += 1) {
      const id = view.getFloat64(at, true);
      const slotIndex = index.#newSlot(id, view.getUint32(at + 8, true));
      if (bytes[at + 12] !== 1) {
        index.#live[slotIndex] = 0;
        index.#liveCount -= 1;
        index.#slotOfId.delete(id);
      }
      at += 13;
    }
    for (let word = 0; word < wordCount; word += 1) {
      const length = view.getUint32(at, true);
      at += 4;
      if (length === 0) {
        continue;
      }
      const list = new Postings();
      list.slots = new Uint32Array(length);
      list.counts = new Uint16Array(length);
      for (let i = 0; i < length; i += 1) {
        list.slots[i] = view.getUint32(at, true);
        list.counts[i] = view.getUint16(at + 4, true);
        at += 6;
      }
      list.length = length;
      index.#postings[word] = list;
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
