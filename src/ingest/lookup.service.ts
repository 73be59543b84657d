import type { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import type { IngestItemResult } from '#haven/ingest/ingest.types.js';
import {
  ContentPipeline,
  type AnalysedContent,
  type PipelineHandler,
  type Problem,
} from '#haven/ingest/pipeline/content-pipeline.js';
import { pipelineOptions } from '#haven/ingest/pipeline/pipeline-options.js';
import { fileSource } from '#haven/ingest/pipeline/content-source.js';
import { probeOf } from '#haven/ingest/pipeline/probe.js';
import { walkSources } from '#haven/ingest/walk/walk-sources.js';
import type { TriageService } from '#haven/matching/triage.service.js';
import type { Probe, TriageResult } from '#haven/matching/triage.types.js';
import type { Config } from '#haven/platform/config/config.schema.js';
import type { Queryable } from '#haven/platform/db/database.js';

/** A video in hand (a file on disk, or bytes read from an archive), matched without storing it. */
export type VideoLookup = (
  video: { readonly filePath: Buffer | null; readonly bytes: Buffer | undefined },
  db: Queryable,
) => Promise<TriageResult | { readonly problem: Problem }>;

export type LookupDeps =
  | {
      readonly config: Config;
      readonly db: Queryable;
      readonly analyser: ImageAnalyser;
      readonly triage: TriageService;
      /** Near matching for videos (frames); without it videos are matched on their exact hashes only. */
      readonly videos?: VideoLookup;
    }
  | {
      /** Offline (`haven triage --hashset`): no database, probes matched by the given function. */
      readonly config: Config;
      readonly analyser: ImageAnalyser;
      readonly match: (probe: Probe) => Promise<TriageResult>;
    };

interface LookupRef {
  readonly depth: number;
}

/**
 * `haven match`: reads, hashes and triages files (and archive entries) against everything held,
 * storing nothing.
 */
export class LookupService {
  readonly #deps: LookupDeps;
  readonly #match: (probe: Probe) => Promise<TriageResult>;

  constructor(deps: LookupDeps) {
    this.#deps = deps;
    this.#match = 'match' in deps ? deps.match : (probe) => deps.triage.triage(deps.db, probe);
  }

  async lookup(
    sources: readonly string[],
    onItem: () => void = () => undefined,
  ): Promise<IngestItemResult[]> {
    const { config } = this.#deps;
    const results: { key: Buffer; result: IngestItemResult }[] = [];
    const add = (key: Buffer, result: IngestItemResult): void => {
      results.push({ key, result });
      onItem();
    };
    const handler: PipelineHandler<LookupRef> = {
      onContent: async (analysed: AnalysedContent, parent) => {
        let triage = await this.#match(probeOf(analysed));
        const { content, source } = analysed;
        let problem = analysed.problem;
        const deps = this.#deps;
        if (
          'videos' in deps &&
          deps.videos &&
          content.sniff.kind === 'video' &&
          !problem &&
          triage.status !== 'exact'
        ) {
          const video = await deps.videos({ filePath: source.filePath, bytes: content.bytes }, deps.db);
          if ('problem' in video) {
            problem = video.problem;
          } else {
            triage = video;
          }
        }
        add(source.pathKey, {
          id: results.length + 1,
          path: source.displayPath,
          sha256: content.sha256.toString('hex'),
          mediaId: null,
          status: problem ? 'error' : triage.status,
          kind: content.sniff.kind,
          mime: content.sniff.mime,
          error: problem?.reason ?? null,
          errorCode: problem?.code ?? null,
          matches: triage.matches,
          isArchiveEntry: parent !== null,
          lists: triage.lists,
        });
        return { depth: source.depth };
      },
      onProblem: (where, problem: Problem, parent) => {
        add(where.pathKey, {
          id: results.length + 1,
          path: where.displayPath,
          sha256: null,
          mediaId: null,
          status: 'error',
          kind: null,
          mime: null,
          error: problem.reason,
          errorCode: problem.code,
          matches: [],
          isArchiveEntry: parent !== null,
        });
        return Promise.resolve();
      },
      onArchiveDone: () => Promise.resolve(),
      alreadyDone: () => Promise.resolve(false),
    };
    const { workers } = config;
    const pipeline = new ContentPipeline(pipelineOptions(config, this.#deps.analyser, undefined), handler);
    const running = new Set<Promise<void>>();
    for await (const entry of walkSources(sources)) {
      if (entry.problem) {
        await handler.onProblem(entry, entry.problem, null);
        continue;
      }
      const task = pipeline.process(fileSource(entry.pathKey, entry.displayPath, entry.size, entry.times));
      running.add(task);
      void task.finally(() => running.delete(task)).catch(() => undefined);
      if (running.size >= workers.ingestConcurrency) {
        await Promise.race(running);
      }
    }
    await Promise.all(running);
    return results
      .sort((a, b) => Buffer.compare(a.key, b.key))
      .map((entry, i) => ({ ...entry.result, id: i + 1 }));
  }
}
