import { cryptoSignal } from '#haven/signals/exact/crypto-signal.js';

/** SHA-256: also the content address of every stored original. */
export const sha256Signal = cryptoSignal('sha256', 'sha256', 32);
