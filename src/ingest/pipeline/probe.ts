import type { AnalysedContent } from '#haven/ingest/pipeline/content-pipeline.js';
import type { Probe } from '#haven/matching/triage.types.js';
import type { SignalValueDraft } from '#haven/matching/signal-values.service.js';
import { BYTE_SIGNALS } from '#haven/signals/registry.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';
import { vpdqSignal } from '#haven/signals/vpdq/vpdq-signal.js';

/** The hashes of a content as triage asks for them. */
export function probeOf(analysed: AnalysedContent): Probe {
  return {
    exact: [...analysed.content.hashes].map(([signal, value]) => ({ signal, value })),
    perceptual: (analysed.image?.signals ?? []).flatMap((signal) => {
      const own = { signal: signal.name, quality: signal.quality, variants: signal.variants };
      // Video frames are PDQ hashes too: a photo also looks for the videos that show it.
      return signal.name === pdqSignal.name
        ? [own, { signal: vpdqSignal.name, quality: signal.quality, variants: signal.variants }]
        : [own];
    }),
  };
}

/** The hashes of a content as they are stored (the original values, not the probe's variants). */
export function signalValuesOf(analysed: AnalysedContent): SignalValueDraft[] {
  const crypto = [...analysed.content.hashes].map(([signal, value]) => ({
    signal,
    value,
    quality: null,
    pipeline: BYTE_SIGNALS.find((s) => s.name === signal)?.pipelineVersion ?? signal,
  }));
  const perceptual = (analysed.image?.signals ?? []).map((signal) => ({
    signal: signal.name,
    value: signal.bytes,
    quality: signal.quality,
    pipeline: signal.pipeline,
  }));
  return [...crypto, ...perceptual];
}
