import { and, eq, isNotNull, or, isNull, lt } from 'drizzle-orm';
import { distanceMeters, type Position } from '@wachsam/protocol';
import type { Executor } from '../db/client.js';
import { buildings, people } from '../db/schema.js';

/**
 * A person's last known position is taken at most this often: a phone reports while the app
 * is open, and only the newest fix is kept (overwritten, never a track).
 */
export const lastPositionIntervalMs = 30_000;
/** Older than this, a last known position says more about yesterday than about now: not used. */
export const lastPositionMaxAgeMs = 12 * 60 * 60 * 1000;
/** A position this close to a building (or within its accuracy) is shown with its address. */
const nearbyMeters = 150;

/** Keep the person's newest fix, unless one was stored less than the interval ago. */
export async function storeLastPosition(ex: Executor, orgId: string, personId: string, position: Position, now: Date) {
  await ex
    .update(people)
    .set({ lastPosition: position, lastPositionStoredAt: now })
    .where(
      and(
        eq(people.orgId, orgId),
        eq(people.id, personId),
        or(
          isNull(people.lastPositionStoredAt),
          lt(people.lastPositionStoredAt, new Date(now.getTime() - lastPositionIntervalMs)),
        ),
      ),
    );
}

/** A last fix, if it is recent enough to send someone there. */
export function recentPosition(position: Position | null, now: Date): Position | null {
  if (!position || now.getTime() - new Date(position.at).getTime() > lastPositionMaxAgeMs) return null;
  return position;
}

/** A building with known coordinates, for `nearestAddress`. */
export interface PlacedBuilding {
  name: string;
  address: string;
  lat: number;
  lon: number;
}

/** "Rathaus, Marktplatz 1, …" when the position is close to a building with known coordinates. */
export async function nearbyAddress(ex: Executor, orgId: string, position: Position): Promise<string | null> {
  const rows = await ex
    .select({ name: buildings.name, address: buildings.address, lat: buildings.latitude, lon: buildings.longitude })
    .from(buildings)
    .where(and(eq(buildings.orgId, orgId), isNotNull(buildings.latitude), isNotNull(buildings.longitude)));
  return nearestAddress(
    rows.map((b) => ({ name: b.name, address: b.address, lat: b.lat!, lon: b.lon! })),
    position,
  );
}

/** "Rathaus, Marktplatz 1, …" of the building closest to the position, if it is close enough. */
export function nearestAddress(rows: PlacedBuilding[], position: Position): string | null {
  const radius = Math.max(nearbyMeters, position.accuracy);
  let best: { label: string; d: number } | null = null;
  for (const b of rows) {
    const d = distanceMeters(position, { lat: b.lat, lon: b.lon });
    if (d <= radius && (!best || d < best.d)) best = { label: b.address ? `${b.name}, ${b.address}` : b.name, d };
  }
  return best?.label ?? null;
}
