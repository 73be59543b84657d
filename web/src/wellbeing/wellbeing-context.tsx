import { createContext, useContext } from 'react';
import type { Schemas } from '../api/client';

export type WellbeingSettings = Schemas['WellbeingSettings'];

/** The protective defaults, used until the user's own settings have loaded. */
export const PROTECTIVE_SETTINGS: WellbeingSettings = {
  blurPreviews: true,
  greyscalePreviews: true,
  muteVideo: true,
  breakReminderMinutes: 30,
};

export interface Wellbeing {
  readonly settings: WellbeingSettings;
  /** Ids of the items revealed right now. */
  readonly revealed: ReadonlySet<string>;
  readonly safeScreen: boolean;
  reveal: (id: string) => void;
  hide: (id: string) => void;
  /** Hides every revealed item at once. */
  hideAll: () => void;
  showSafeScreen: () => void;
  leaveSafeScreen: () => void;
  saveSettings: (changes: Partial<WellbeingSettings>) => Promise<void>;
}

export const WellbeingContext = createContext<Wellbeing | null>(null);

export function useWellbeing(): Wellbeing {
  const value = useContext(WellbeingContext);
  if (!value) {
    throw new Error('useWellbeing outside WellbeingProvider');
  }
  return value;
}
