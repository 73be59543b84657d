import { z } from 'zod';

const settingsShape = {
  blurPreviews: z
    .boolean()
    .meta({ description: 'Previews blurred until revealed one at a time (default true)' }),
  greyscalePreviews: z
    .boolean()
    .meta({ description: 'Previews shown in greyscale, revealed ones too (default true)' }),
  muteVideo: z.boolean().meta({ description: 'Videos start without sound (default true)' }),
  breakReminderMinutes: z
    .number()
    .int()
    .min(5)
    .max(240)
    .meta({ description: 'Suggest a break after this much time with material revealed (default 30)' }),
};

export const WellbeingSettingsBody = z.object(settingsShape).meta({ id: 'WellbeingSettings' });

export const WellbeingSettingsUpdate = z
  .object(settingsShape)
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'nothing to change')
  .meta({ id: 'WellbeingSettingsUpdate' });

export const ExposureReport = z
  .object({
    seconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .meta({ description: 'Time with material revealed since the last report (the span ends now)' }),
    items: z.number().int().min(0).max(10_000).meta({ description: 'Items revealed during the span' }),
  })
  .strict()
  .meta({ id: 'ExposureReport' });

export const BreakReport = z
  .object({ seconds: z.number().int().min(0).max(86_400).meta({ description: 'How long the break lasted' }) })
  .strict()
  .meta({ id: 'BreakReport' });

export const ExposureQuery = z.object({ days: z.coerce.number().int().min(1).max(90).default(7) }).strict();

export const ExposureSummaryBody = z
  .object({
    todaySeconds: z.number().int(),
    sinceBreakSeconds: z.number().int(),
    lastBreakAt: z.iso.datetime().nullable(),
    breakReminderMinutes: z.number().int(),
    days: z.array(
      z.object({
        day: z.string(),
        seconds: z.number().int(),
        items: z.number().int(),
        breaks: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ExposureSummary' });
