/** How one user sees material. The defaults are the protective ones; a user may relax them. */
export interface WellbeingSettings {
  /** Previews blurred until revealed one at a time. */
  readonly blurPreviews: boolean;
  /** Previews (revealed ones too) shown in greyscale. */
  readonly greyscalePreviews: boolean;
  /** Videos start without sound. */
  readonly muteVideo: boolean;
  /** A break is suggested after this much time with material revealed. */
  readonly breakReminderMinutes: number;
}

export const DEFAULT_WELLBEING_SETTINGS: WellbeingSettings = {
  blurPreviews: true,
  greyscalePreviews: true,
  muteVideo: true,
  breakReminderMinutes: 30,
};

/** One day of a user's exposure log (UTC days). */
export interface ExposureDay {
  readonly day: string;
  readonly seconds: number;
  readonly items: number;
  readonly breaks: number;
}

export interface ExposureSummary {
  readonly todaySeconds: number;
  /** Time with material revealed since the last recorded break (or ever, without one). */
  readonly sinceBreakSeconds: number;
  readonly lastBreakAt: Date | null;
  readonly days: readonly ExposureDay[];
}
