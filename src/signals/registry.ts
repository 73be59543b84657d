import type {
  ByteStreamSignalType,
  FrameSignalType,
  GlobalDescriptorSignalType,
  LocalFeatureSignalType,
  PixelSignalType,
  SignalType,
} from '#haven/signals/signal-type.js';
import { md5Signal } from '#haven/signals/md5/md5-signal.js';
import { sha1Signal } from '#haven/signals/sha1/sha1-signal.js';
import { sha256Signal } from '#haven/signals/sha256/sha256-signal.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';
import { vpdqSignal } from '#haven/signals/vpdq/vpdq-signal.js';
import { orbSignal } from '#haven/signals/orb/orb-signal.js';
import { gemSignal } from '#haven/signals/gem/gem-signal.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** Every signal this build knows. Adding one: a folder under signals/ and a line here. */
export const SIGNALS: readonly SignalType[] = [md5Signal, sha1Signal, sha256Signal, pdqSignal, vpdqSignal];

export const BYTE_SIGNALS: readonly ByteStreamSignalType[] = SIGNALS.filter(
  (signal): signal is ByteStreamSignalType => signal.input === 'bytes',
);

export const PIXEL_SIGNALS: readonly PixelSignalType[] = SIGNALS.filter(
  (signal): signal is PixelSignalType => signal.input === 'pixels',
);

export const FRAME_SIGNALS: readonly FrameSignalType[] = SIGNALS.filter(
  (signal): signal is FrameSignalType => signal.input === 'frames',
);

export function signalNamed(name: string): SignalType {
  const found = SIGNALS.find((signal) => signal.name === name);
  if (!found) {
    throw havenError('UNKNOWN_SIGNAL', { signal: name });
  }
  return found;
}

/** Local-feature signals (variable-size keypoint sets with their own index), kept apart from hashes. */
export const LOCAL_FEATURE_SIGNALS: readonly LocalFeatureSignalType[] = [orbSignal];

/** Global-descriptor signals (one learned vector per picture), kept apart from hashes too. */
export const GLOBAL_DESCRIPTOR_SIGNALS: readonly GlobalDescriptorSignalType[] = [gemSignal];
