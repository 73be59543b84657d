import type { Database } from '#haven/platform/db/database.js';
import { wellbeingRepository } from '#haven/wellbeing/wellbeing.repository.js';
import {
  DEFAULT_WELLBEING_SETTINGS,
  type ExposureSummary,
  type WellbeingSettings,
} from '#haven/wellbeing/wellbeing.types.js';

/** A user's own preview settings and exposure log; nobody else reads or writes them here. */
export const wellbeingService = {
  async settings(db: Database, userId: string): Promise<WellbeingSettings> {
    return (await wellbeingRepository.settings(db, userId)) ?? DEFAULT_WELLBEING_SETTINGS;
  },

  async updateSettings(
    db: Database,
    userId: string,
    changes: Partial<WellbeingSettings>,
  ): Promise<WellbeingSettings> {
    return db.transaction(async (tx) => {
      const current = (await wellbeingRepository.settings(tx, userId)) ?? DEFAULT_WELLBEING_SETTINGS;
      const next: WellbeingSettings = { ...current, ...changes };
      await wellbeingRepository.saveSettings(tx, userId, next);
      return next;
    });
  },

  async recordExposure(db: Database, userId: string, seconds: number, items: number): Promise<void> {
    await wellbeingRepository.addEntry(db, userId, { kind: 'exposure', seconds, items });
  },

  async recordBreak(db: Database, userId: string, seconds: number): Promise<void> {
    await wellbeingRepository.addEntry(db, userId, { kind: 'break', seconds, items: 0 });
  },

  async summary(db: Database, userId: string, days: number): Promise<ExposureSummary> {
    const [byDay, since] = await Promise.all([
      wellbeingRepository.days(db, userId, days),
      wellbeingRepository.sinceLastBreak(db, userId),
    ]);
    const today = new Date().toISOString().slice(0, 10);
    return {
      todaySeconds: byDay.find((day) => day.day === today)?.seconds ?? 0,
      sinceBreakSeconds: since.seconds,
      lastBreakAt: since.lastBreakAt,
      days: byDay,
    };
  },
};
