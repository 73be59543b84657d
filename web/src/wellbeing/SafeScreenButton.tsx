import type { ReactNode } from 'react';
import { useWellbeing } from './wellbeing-context';

/** Always in the top bar: hides everything at once (also the Escape key). */
export function SafeScreenButton(): ReactNode {
  const { showSafeScreen } = useWellbeing();
  return (
    <button
      type="button"
      className="safe-button"
      onClick={showSafeScreen}
      aria-keyshortcuts="Escape"
      title="Safe screen (Esc)"
    >
      Safe screen <kbd>Esc</kbd>
    </button>
  );
}
