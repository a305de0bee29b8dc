import type { Position } from '@wachsam/protocol';

export function toPosition(p: GeolocationPosition): Position {
  return {
    lat: p.coords.latitude,
    lon: p.coords.longitude,
    accuracy: Math.min(100_000, Math.max(0, p.coords.accuracy)),
    at: new Date(p.timestamp || Date.now()).toISOString(),
  };
}

/**
 * The phone's position if the browser has one within `withinMs`, else null. Never waits
 * longer: the alarm goes out without a position rather than late.
 */
export function positionWithin(withinMs: number): Promise<Position | null> {
  return new Promise((resolve) => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return resolve(null);
    const timer = setTimeout(() => resolve(null), withinMs);
    try {
      navigator.geolocation.getCurrentPosition(
        (p) => {
          clearTimeout(timer);
          resolve(toPosition(p));
        },
        () => {
          clearTimeout(timer);
          resolve(null);
        },
        { enableHighAccuracy: true, timeout: withinMs, maximumAge: 60_000 },
      );
    } catch {
      clearTimeout(timer);
      resolve(null);
    }
  });
}

/**
 * Follows the position; `onPosition` is called at most every `minIntervalMs`. A position that
 * arrives too early is not dropped but sent when the interval is over (the latest one wins),
 * so the last place the person stopped at always reaches the receivers. Returns stop.
 */
export function watchPosition(onPosition: (p: Position) => void, minIntervalMs: number): () => void {
  if (typeof navigator === 'undefined' || !navigator.geolocation) return () => undefined;
  let last = 0;
  let pending: Position | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    if (!pending) return;
    last = Date.now();
    const p = pending;
    pending = null;
    onPosition(p);
  };
  const id = navigator.geolocation.watchPosition(
    (p) => {
      pending = toPosition(p);
      const wait = last + minIntervalMs - Date.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    () => undefined,
    { enableHighAccuracy: true, maximumAge: 10_000 },
  );
  return () => {
    navigator.geolocation.clearWatch(id);
    if (timer) clearTimeout(timer);
  };
}
