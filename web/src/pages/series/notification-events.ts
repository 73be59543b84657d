const EVENT = 'haven:notifications-changed';

/** Tells the top bar's badge to count again (after marking notifications read). */
export function announceNotificationsChanged(): void {
  window.dispatchEvent(new Event(EVENT));
}

export function onNotificationsChanged(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => {
    window.removeEventListener(EVENT, listener);
  };
}
