import type { Queryable } from '#haven/platform/db/database.js';
import type { ExposureDay, WellbeingSettings } from '#haven/wellbeing/wellbeing.types.js';

interface SettingsRow extends Record<string, unknown> {
  blur_previews: boolean;
  greyscale_previews: boolean;
  mute_video: boolean;
  break_reminder_minutes: number;
}

export const wellbeingRepository = {
  async settings(db: Queryable, userId: string): Promise<WellbeingSettings | undefined> {
    const rows = await db.query<SettingsRow>(
      `SELECT blur_previews, greyscale_previews, mute_video, break_reminder_minutes
       FROM wellbeing_settings WHERE user_id = $1`,
      [userId],
    );
    const row = rows[0];
    return (
      row && {
        blurPreviews: row.blur_previews,
        greyscalePreviews: row.greyscale_previews,
        muteVideo: row.mute_video,
        breakReminderMinutes: row.break_reminder_minutes,
      }
    );
  },

  async saveSettings(db: Queryable, userId: string, settings: WellbeingSettings): Promise<void> {
    await db.query(
      `INSERT INTO wellbeing_settings (user_id, blur_previews, greyscale_previews, mute_video, break_reminder_minutes)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET blur_previews = $2, greyscale_previews = $3, mute_video = $4,
         break_reminder_minutes = $5, updated_at = now()`,
      [
        userId,
        settings.blurPreviews,
        settings.greyscalePreviews,
        settings.muteVideo,
        settings.breakReminderMinutes,
      ],
    );
  },

  /** A span that ended now; the server's clock decides when, never the browser's. */
  async addEntry(
    db: Queryable,
    userId: string,
    entry: { kind: 'exposure' | 'break'; seconds: number; items: number },
  ): Promise<void> {
    await db.query(
      `INSERT INTO wellbeing_exposure (user_id, kind, started_at, ended_at, seconds, items)
       VALUES ($1, $2, now() - make_interval(secs => $3), now(), $3, $4)`,
      [userId, entry.kind, entry.seconds, entry.items],
    );
  },

  async days(db: Queryable, userId: string, days: number): Promise<ExposureDay[]> {
    const rows = await db.query<{
      day: string;
      seconds: string | null;
      items: string | null;
      breaks: string;
    }>(
      `SELECT to_char(date_trunc('day', ended_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
              sum(seconds) FILTER (WHERE kind = 'exposure')::text AS seconds,
              sum(items) FILTER (WHERE kind = 'exposure')::text AS items,
              count(*) FILTER (WHERE kind = 'break')::text AS breaks
       FROM wellbeing_exposure
       WHERE user_id = $1 AND ended_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                                          - make_interval(days => $2 - 1)
       GROUP BY 1 ORDER BY 1 DESC`,
      [userId, days],
    );
    return rows.map((row) => ({
      day: row.day,
      seconds: Number(row.seconds ?? 0),
      items: Number(row.items ?? 0),
      breaks: Number(row.breaks),
    }));
  },

  async sinceLastBreak(
    db: Queryable,
    userId: string,
  ): Promise<{ seconds: number; lastBreakAt: Date | null }> {
    const rows = await db.query<{ seconds: string | null; last_break: Date | null }>(
      `WITH last AS (SELECT max(ended_at) AS at FROM wellbeing_exposure WHERE user_id = $1 AND kind = 'break')
       SELECT (SELECT sum(seconds) FROM wellbeing_exposure, last
               WHERE user_id = $1 AND kind = 'exposure' AND (last.at IS NULL OR ended_at > last.at))::text AS seconds,
              (SELECT at FROM last) AS last_break`,
      [userId],
    );
    const row = rows[0];
    return { seconds: Number(row?.seconds ?? 0), lastBreakAt: row?.last_break ?? null };
  },
};
