import { cryptoSignal } from '#haven/signals/exact/crypto-signal.js';

export const sha1Signal = cryptoSignal('sha1', 'sha1', 20);
