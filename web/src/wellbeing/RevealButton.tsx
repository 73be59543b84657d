import type { ReactNode } from 'react';
import { useWellbeing } from './wellbeing-context';

/**
 * Whether the item under `revealKey` is revealed, the picture variant to ask the server for, and
 * the image classes: blurred until revealed, greyscale once revealed when the user wants that.
 */
export function useReveal(revealKey: string): {
  open: boolean;
  variant: 'clear' | 'blurred';
  imageClass: string;
} {
  const { settings, revealed } = useWellbeing();
  const open = revealed.has(revealKey);
  return {
    open,
    variant: open ? 'clear' : 'blurred',
    imageClass: open ? (settings.greyscalePreviews ? 'is-revealed is-grey' : 'is-revealed') : 'is-blurred',
  };
}

/**
 * Reveals one item, or hides it again. `alsoHide` names the revealed items to hide first, so that
 * at most one of a set (a list of matches, a video's frames) is ever clear.
 */
export function RevealButton({
  revealKey,
  label,
  className,
  alsoHide,
  text = { reveal: 'Reveal', hide: 'Hide' },
}: {
  revealKey: string;
  /** The accessible name's object ("Reveal <label>"); the visible text alone when absent. */
  label?: string;
  className?: string;
  alsoHide?: (revealed: ReadonlySet<string>) => Iterable<string>;
  text?: { reveal: string; hide: string };
}): ReactNode {
  const { revealed, reveal, hide } = useWellbeing();
  const open = revealed.has(revealKey);
  return (
    <button
      type="button"
      className={className}
      aria-pressed={open}
      aria-label={label === undefined ? undefined : open ? `Hide ${label}` : `Reveal ${label}`}
      onClick={() => {
        if (open) {
          hide(revealKey);
          return;
        }
        for (const other of alsoHide?.(revealed) ?? []) {
          if (other !== revealKey) {
            hide(other);
          }
        }
        reveal(revealKey);
      }}
    >
      {open ? text.hide : text.reveal}
    </button>
  );
}
