import { useState, type SyntheticEvent } from 'react';
import { api } from '../api/client';

export interface Submit {
  /** The last failure, to show until the next attempt. */
  readonly error: unknown;
  readonly onSubmit: (event: SyntheticEvent) => void;
}

/** A form's submit handler: no page load, the last error cleared, and a failure kept to show. */
export function useSubmit(action: () => Promise<void>): Submit {
  const [error, setError] = useState<unknown>();
  const run = async (): Promise<void> => {
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return {
    error,
    onSubmit: (event) => {
      event.preventDefault();
      void run();
    },
  };
}
