import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Queryable } from '#haven/platform/db/database.js';
import type { Logger } from '#haven/platform/log/logger.js';
import type { BinaryVocabulary } from '#haven/signals/orb/binary-vocabulary.js';
import type { Candidate, InvertedFile } from '#haven/signals/orb/inverted-file.js';
import type { LocalFeatures } from '#haven/signals/orb/orb-features.js';
import { orbSignal } from '#haven/signals/orb/orb-signal.js';
import { similarityRepository } from './similarity.repository.js';

/** Images whose descriptors train the vocabulary; beyond this it stays fixed (retraining means a rebuild). */
const TRAIN_IMAGES_CAP = 2000;
/** Descriptors sampled for training: all of a small collection's, at least 120 per image of a large one. */
const TRAIN_DESCRIPTORS = 240_000;
/** The vocabulary is retrained when the collection has grown this many times since it was trained. */
const RETRAIN_GROWTH = 4;
const BATCH = 200;

interface Snapshot {
  readonly vocabularyId: number;
  readonly checkpoint: number;
  readonly index: InvertedFile;
}

/**
 * The inverted file over every held image's visual words, kept in memory and in a snapshot file
 * (`indexes/similarity-orb.bin`: vocabulary id, checkpoint = last feature row id indexed, postings).
 * Opening loads the snapshot and adds only feature rows above its checkpoint, so a restart does
 * not re-read every descriptor. Feature rows only ever get new ids (a redo deletes and inserts),
 * so "above the checkpoint" is exactly what is new.
 */
export class SimilarityIndex {
  #vocabulary: { id: number; trainedOn: number; vocabulary: BinaryVocabulary } | undefined;
  #index: InvertedFile | undefined;
  #checkpoint = 0;
  #dirty = false;
  #loaded = false;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.#index?.size ?? 0;
  }

  get vocabulary(): BinaryVocabulary | undefined {
    return this.#vocabulary?.vocabulary;
  }

  #queue: Promise<void> = Promise.resolve();
  /** What queries use: a vocabulary and the index built on it, swapped together once complete. */
  #searchable: { readonly vocabulary: BinaryVocabulary; readonly index: InvertedFile } | undefined;

  /**
   * Brings the index up to date with the database: trains or retrains the vocabulary when due.
   * When nothing was saved since the last refresh it costs one small query (no counting, no
   * vocabulary read), so searches call it every time. Refreshes (and saves) run one at a time:
   * concurrent searches must not interleave a rebuild.
   */
  refresh(db: Queryable): Promise<void> {
    const run = this.#queue.then(() => this.#refresh(db));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #refresh(db: Queryable): Promise<void> {
    const signal = orbSignal.name;
    const pipeline = orbSignal.pipelineVersion;
    // Taken before catching up: rows saved meanwhile change the stamp, so the next search looks.
    const stamp = await similarityRepository.changeStamp(db, signal, pipeline);
    if (stamp === this.#stamp) {
      return;
    }
    await this.#catchUp(db, signal, pipeline);
    this.#stamp = stamp;
  }

  /** The stamp of the database state the index was last brought up to date with. */
  #stamp: string | undefined;

  async #catchUp(db: Queryable, signal: string, pipeline: string): Promise<void> {
    const held = await similarityRepository.featureCount(db, signal, pipeline);
    if (held === 0) {
      return;
    }
    let stored = await similarityRepository.latestVocabulary(db, signal, pipeline);
    const due =
      !stored ||
      (stored.trainedOn < TRAIN_IMAGES_CAP &&
        held >= stored.trainedOn * RETRAIN_GROWTH &&
        held > stored.trainedOn);
    if (due) {
      const perImage = Math.max(120, Math.floor(TRAIN_DESCRIPTORS / Math.min(held, TRAIN_IMAGES_CAP)));
      const sample = await similarityRepository.descriptorSample(
        db,
        signal,
        pipeline,
        TRAIN_IMAGES_CAP,
        perImage,
      );
      const all = new Uint8Array(sample.reduce((sum, part) => sum + part.length, 0));
      let at = 0;
      for (const part of sample) {
        all.set(part, at);
        at += part.length;
      }
      const vocabulary = orbSignal.trainVocabulary(all);
      const id = await similarityRepository.saveVocabulary(
        db,
        signal,
        pipeline,
        sample.length,
        vocabulary.wordCount,
        orbSignal.serializeVocabulary(vocabulary),
      );
      this.log.info('trained a visual vocabulary for place and object search', {
        images: sample.length,
        words: vocabulary.wordCount,
      });
      stored = { id, trainedOn: sample.length, bytes: new Uint8Array() };
      this.#vocabulary = { id, trainedOn: sample.length, vocabulary };
    } else if (stored && this.#vocabulary?.id !== stored.id) {
      this.#vocabulary = {
        id: stored.id,
        trainedOn: stored.trainedOn,
        vocabulary: orbSignal.deserializeVocabulary(stored.bytes),
      };
    }
    const current = this.#vocabulary!;
    if (!this.#loaded) {
      this.#loaded = true;
      const snapshot = await this.#readSnapshot();
      if (snapshot && snapshot.vocabularyId === current.id) {
        this.#index = snapshot.index;
        this.#checkpoint = snapshot.checkpoint;
      }
    }
    if (!this.#index || this.#indexVocabularyId !== current.id) {
      this.#index = orbSignal.createIndex(current.vocabulary);
      this.#indexVocabularyId = current.id;
      this.#checkpoint = 0;
    }
    for (;;) {
      const rows = await similarityRepository.featuresAfter(db, signal, pipeline, this.#checkpoint, BATCH);
      for (const row of rows) {
        this.#index.add(row.featureId, orbSignal.words(current.vocabulary, row));
        this.#checkpoint = row.featureId;
        this.#dirty = true;
      }
      if (rows.length < BATCH) {
        break;
      }
    }
    this.#searchable = { vocabulary: current.vocabulary, index: this.#index };
  }

  #indexVocabularyId = -1;

  /** The best-voted feature rows for a query's features (none before anything is indexed). */
  candidates(features: LocalFeatures, limit: number): Candidate[] {
    const searchable = this.#searchable;
    if (!searchable) {
      return [];
    }
    return searchable.index.query(orbSignal.words(searchable.vocabulary, features), limit);
  }

  save(): Promise<void> {
    const run = this.#queue.then(() => this.#save());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #save(): Promise<void> {
    if (!this.#dirty || !this.#index || !this.#vocabulary) {
      return;
    }
    const body = this.#index.serialize();
    const header = Buffer.alloc(16);
    header.writeDoubleLE(this.#vocabulary.id, 0);
    header.writeDoubleLE(this.#checkpoint, 8);
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, Buffer.concat([header, body]), { mode: 0o600 });
    await rename(temp, this.file);
    this.#dirty = false;
  }

  async #readSnapshot(): Promise<Snapshot | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch {
      return undefined;
    }
    try {
      const snapshot = {
        vocabularyId: bytes.readDoubleLE(0),
        checkpoint: bytes.readDoubleLE(8),
        index: orbSignal.deserializeIndex(
          new Uint8Array(bytes.buffer, bytes.byteOffset + 16, bytes.byteLength - 16),
        ),
      };
      this.#indexVocabularyId = snapshot.vocabularyId;
      return snapshot;
    } catch (error) {
      // A damaged snapshot only costs a rebuild from the database.
      this.log.warn('ignoring an unreadable similarity index snapshot', { error: String(error) });
      return undefined;
    }
  }
}
