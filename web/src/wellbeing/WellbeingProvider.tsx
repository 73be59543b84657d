import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { BreakReminder } from './BreakReminder';
import { SafeScreen } from './SafeScreen';
import {
  PROTECTIVE_SETTINGS,
  WellbeingContext,
  type Wellbeing,
  type WellbeingSettings,
} from './wellbeing-context';

/** Exposure is sent to the server at least this often while material is revealed. */
const REPORT_EVERY_SECONDS = 30;

/**
 * Holds what is revealed, measures the time material is revealed (the exposure log), suggests a
 * break after the user's span, and provides the safe screen (button and Escape key) that hides
 * everything at once.
 */
export function WellbeingProvider({ children }: { children: ReactNode }): ReactNode {
  const [settings, setSettings] = useState<WellbeingSettings>(PROTECTIVE_SETTINGS);
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const [safeScreen, setSafeScreen] = useState(false);
  const [breakDue, setBreakDue] = useState(false);
  // Exposure not yet reported, items revealed in that span, and exposure since the last break.
  const pending = useRef({ seconds: 0, items: 0 });
  const sinceBreak = useRef(0);

  useEffect(() => {
    api.get('/api/v1/wellbeing/settings').then(setSettings, (error: unknown) => {
      api.noteFailure(error);
    });
    api.get('/api/v1/wellbeing/exposure', { query: { days: 1 } }).then(
      (summary) => {
        sinceBreak.current = summary.sinceBreakSeconds;
      },
      (error: unknown) => {
        api.noteFailure(error);
      },
    );
  }, []);

  const flush = useCallback(() => {
    const { seconds, items } = pending.current;
    const whole = Math.min(3600, Math.floor(seconds));
    if (whole < 1) {
      return;
    }
    pending.current = { seconds: seconds - whole, items: 0 };
    api.post('/api/v1/wellbeing/exposure', { body: { seconds: whole, items } }).catch((error: unknown) => {
      // Not lost: counted again at the next report.
      pending.current.seconds += whole;
      pending.current.items += items;
      api.noteFailure(error);
    });
  }, []);

  const exposed = revealed.size > 0 && !safeScreen;
  useEffect(() => {
    if (!exposed) {
      flush();
      return;
    }
    let last = performance.now();
    let sinceReport = 0;
    const tick = window.setInterval(() => {
      const now = performance.now();
      const seconds = document.visibilityState === 'visible' ? (now - last) / 1000 : 0;
      last = now;
      pending.current.seconds += seconds;
      sinceBreak.current += seconds;
      sinceReport += seconds;
      if (sinceReport >= REPORT_EVERY_SECONDS) {
        sinceReport = 0;
        flush();
      }
      if (sinceBreak.current >= settings.breakReminderMinutes * 60) {
        // Nothing stays revealed behind the reminder.
        setRevealed(new Set());
        setBreakDue(true);
      }
    }, 1000);
    return () => {
      window.clearInterval(tick);
      const seconds = document.visibilityState === 'visible' ? (performance.now() - last) / 1000 : 0;
      pending.current.seconds += seconds;
      sinceBreak.current += seconds;
    };
  }, [exposed, flush, settings.breakReminderMinutes]);

  useEffect(() => {
    const beforeUnload = (): void => {
      flush();
    };
    window.addEventListener('pagehide', beforeUnload);
    return () => {
      window.removeEventListener('pagehide', beforeUnload);
    };
  }, [flush]);

  const hideAll = useCallback(() => {
    setRevealed(new Set());
  }, []);

  const showSafeScreen = useCallback(() => {
    setRevealed(new Set());
    setSafeScreen(true);
    for (const video of document.querySelectorAll('video')) {
      video.pause();
    }
  }, []);

  // Escape hides everything from anywhere in the app (dialogs close with their own buttons).
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape' && !event.defaultPrevented) {
        showSafeScreen();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [showSafeScreen]);

  const value = useMemo<Wellbeing>(
    () => ({
      settings,
      revealed,
      safeScreen,
      reveal(id) {
        setRevealed((current) => new Set(current).add(id));
        pending.current.items += 1;
      },
      hide(id) {
        setRevealed((current) => {
          const next = new Set(current);
          next.delete(id);
          return next;
        });
      },
      hideAll,
      showSafeScreen,
      leaveSafeScreen() {
        setSafeScreen(false);
      },
      async saveSettings(changes) {
        setSettings(await api.patch('/api/v1/wellbeing/settings', { body: changes }));
      },
    }),
    [settings, revealed, safeScreen, hideAll, showSafeScreen],
  );

  const takeBreak = (minutes: number): void => {
    hideAll();
    setBreakDue(false);
    sinceBreak.current = 0;
    flush();
    api.post('/api/v1/wellbeing/breaks', { body: { seconds: minutes * 60 } }).catch((error: unknown) => {
      api.noteFailure(error);
    });
  };

  return (
    <WellbeingContext.Provider value={value}>
      <div className="app-frame" aria-hidden={safeScreen} inert={safeScreen}>
        {children}
      </div>
      {safeScreen ? (
        <SafeScreen
          onLeave={() => {
            setSafeScreen(false);
          }}
        />
      ) : null}
      {breakDue && !safeScreen ? (
        <BreakReminder
          minutes={settings.breakReminderMinutes}
          onBreak={() => {
            takeBreak(5);
            showSafeScreen();
          }}
          onContinue={() => {
            setBreakDue(false);
            // Asked again after another full span, not at once.
            sinceBreak.current = 0;
          }}
        />
      ) : null}
    </WellbeingContext.Provider>
  );
}
