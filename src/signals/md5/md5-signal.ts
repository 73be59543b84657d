import { cryptoSignal } from '#haven/signals/exact/crypto-signal.js';

/** MD5: still the lingua franca of hash lists (Project VIC, NSRL, provider lists). */
export const md5Signal = cryptoSignal('md5', 'md5', 16);
