import type { Alarm, Responder } from '@wachsam/protocol';
import type { alarms } from '../db/schema.js';

export type AlarmRow = typeof alarms.$inferSelect;

/**
 * The only way an alarm leaves the server. Every field is named here; a new column stays
 * inside until someone decides it belongs in this list.
 */
export function presentAlarm(row: AlarmRow, alerted: number, responders: Responder[]): Alarm {
  const current = row.steps[row.step - 1];
  return {
    id: row.id,
    status: row.status,
    source: row.source as Alarm['source'],
    test: row.test,
    functionTest: row.functionTest,
    raisedAt: row.raisedAt.toISOString(),
    triggeredAt: row.triggeredAt?.toISOString() ?? null,
    sender: {
      personId: row.sender.personId,
      firstName: row.sender.firstName,
      lastName: row.sender.lastName,
      phone: row.sender.phone,
    },
    location: {
      building: row.location.building,
      address: row.location.address,
      floor: row.location.floor,
      room: row.location.room,
      workstation: row.location.workstation,
    },
    deviceId: row.deviceId,
    position: row.position,
    positionKind: row.position ? (row.positionKind ?? 'live') : null,
    positionAddress: row.positionAddress,
    step: row.step,
    steps: row.steps.length,
    nextEscalationAt: row.nextEscalationAt?.toISOString() ?? null,
    callPolice: current?.callPolice ?? false,
    alerted,
    responders,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolvedBy: row.resolvedBy,
    outcome: row.outcome,
  };
}
