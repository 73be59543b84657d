import { useEffect, useRef, type ReactNode } from 'react';

/** Suggests a break after the user's span of time with material revealed. */
export function BreakReminder({
  minutes,
  onBreak,
  onContinue,
}: {
  minutes: number;
  onBreak: () => void;
  onContinue: () => void;
}): ReactNode {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    first.current?.focus();
  }, []);
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="break-title"
        aria-describedby="break-text"
      >
        <h2 id="break-title">Time for a break</h2>
        <p id="break-text">
          You have had material revealed for {minutes} minutes, so everything is hidden now. Step away from
          the screen for a few minutes.
        </p>
        <div className="row">
          <button ref={first} type="button" className="primary" onClick={onBreak}>
            Take a break
          </button>
          <button type="button" onClick={onContinue}>
            Continue for now
          </button>
        </div>
      </div>
    </div>
  );
}
