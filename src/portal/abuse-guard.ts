/**
 * In-memory limits of one portal process: attempts per client address in a sliding hour, and the
 * fingerprints of recent tips (a resend is acknowledged, not stored twice). Memory is bounded.
 */
export class AbuseGuard {
  private readonly attempts = new Map<string, number[]>();
  private readonly seen = new Map<string, number>();

  constructor(private readonly options: { perHour: number; maxAddresses?: number; rememberTips?: number }) {}

  /** Counts an attempt; false when the address has used up its hour. */
  allow(address: string, now = Date.now()): boolean {
    const recent = (this.attempts.get(address) ?? []).filter((at) => now - at < 3_600_000);
    if (recent.length >= this.options.perHour) {
      this.attempts.set(address, recent);
      return false;
    }
    recent.push(now);
    this.attempts.delete(address);
    this.attempts.set(address, recent);
    const cap = this.options.maxAddresses ?? 100_000;
    while (this.attempts.size > cap) {
      this.attempts.delete(this.attempts.keys().next().value!);
    }
    return true;
  }

  /** True when this fingerprint was already received (and remembers it otherwise). */
  repeated(fingerprint: string, now = Date.now()): boolean {
    if (this.seen.has(fingerprint)) {
      return true;
    }
    this.seen.set(fingerprint, now);
    const cap = this.options.rememberTips ?? 100_000;
    while (this.seen.size > cap) {
      this.seen.delete(this.seen.keys().next().value!);
    }
    return false;
  }
}
