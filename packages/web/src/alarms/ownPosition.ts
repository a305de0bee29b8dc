import type { Position } from '@wachsam/protocol';
import { useEffect, useSyncExternalStore } from 'react';
import { watchPosition } from '../mobile/position.js';

/**
 * The receiver's own position, for "Entfernung: 1,2 km". One watch for the whole page, started
 * only when an alarm with a position is on screen (that is when the browser asks for consent).
 */
let current: Position | null = null;
let stop: (() => void) | null = null;
let users = 0;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useOwnPosition(wanted: boolean): Position | null {
  useEffect(() => {
    if (!wanted) return;
    users++;
    stop ??= watchPosition((p) => {
      current = p;
      for (const l of listeners) l();
    }, 5_000);
    return () => {
      users--;
      if (users === 0) {
        stop?.();
        stop = null;
      }
    };
  }, [wanted]);
  return useSyncExternalStore(subscribe, () => current);
}
