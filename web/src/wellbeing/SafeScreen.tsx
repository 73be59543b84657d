import { useEffect, useRef, type ReactNode } from 'react';

/**
 * Covers the whole window with a neutral screen: nothing of the work underneath stays visible or
 * focusable. Leaving it is a deliberate click (Escape never leaves it).
 */
export function SafeScreen({ onLeave }: { onLeave: () => void }): ReactNode {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    button.current?.focus();
    const title = document.title;
    document.title = 'Haven';
    return () => {
      document.title = title;
    };
  }, []);
  return (
    <div className="safe-screen" role="dialog" aria-modal="true" aria-labelledby="safe-screen-title">
      <div className="safe-screen-box">
        <h1 id="safe-screen-title">Safe screen</h1>
        <p>Everything is hidden. Revealed items are blurred again.</p>
        <button ref={button} type="button" className="primary" onClick={onLeave}>
          Return to work
        </button>
      </div>
    </div>
  );
}
