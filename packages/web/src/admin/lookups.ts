import { adminResources, roleLabels, roles, type Role } from '@wachsam/protocol';
import { useTranslation } from 'react-i18next';
import type { Option } from './fields.js';
import { useList } from './useList.js';

/** Names for the ids other resources refer to (building of a floor, room of a device …). */
export function useLookups() {
  const departments = useList(adminResources.departments.list).data ?? [];
  const buildings = useList(adminResources.buildings.list).data ?? [];
  const floors = useList(adminResources.floors.list).data ?? [];
  const rooms = useList(adminResources.rooms.list).data ?? [];
  const people = useList(adminResources.people.list).data ?? [];
  const groups = useList(adminResources.groups.list).data ?? [];

  const floorLabel = (id: string): string => {
    const floor = floors.find((f) => f.id === id);
    if (!floor) return id;
    const building = buildings.find((b) => b.id === floor.buildingId);
    return building ? `${building.name}, ${floor.name}` : floor.name;
  };
  const roomLabel = (id: string): string => {
    const room = rooms.find((r) => r.id === id);
    return room ? `${room.name} (${floorLabel(room.floorId)})` : id;
  };
  const personLabel = (id: string): string => {
    const p = people.find((x) => x.id === id);
    return p ? `${p.firstName} ${p.lastName}` : id;
  };
  const nameOf = (list: { id: string; name: string }[], id: string | null): string =>
    id === null ? '–' : (list.find((x) => x.id === id)?.name ?? id);

  return {
    departments,
    buildings,
    floors,
    rooms,
    people,
    groups,
    floorLabel,
    roomLabel,
    personLabel,
    departmentName: (id: string | null) => nameOf(departments, id),
    buildingName: (id: string | null) => nameOf(buildings, id),
    groupName: (id: string | null) => nameOf(groups, id),
    options: {
      departments: departments.map((d): Option => ({ value: d.id, label: d.name })),
      buildings: buildings.map((b): Option => ({ value: b.id, label: b.name })),
      floors: floors.map((f): Option => ({ value: f.id, label: floorLabel(f.id) })),
      rooms: rooms.map((r): Option => ({ value: r.id, label: roomLabel(r.id) })),
      people: people.map((p): Option => ({ value: p.id, label: `${p.firstName} ${p.lastName}` })),
      groups: groups.map((g): Option => ({ value: g.id, label: g.name })),
    },
  };
}

export type Lookups = ReturnType<typeof useLookups>;

/** Role names in the UI language (German ones come from the protocol). */
export function useRoleLabel(): (role: Role) => string {
  const { t, i18n } = useTranslation();
  return (role) => (i18n.language === 'de' ? roleLabels[role] : t(`roles.${role}`));
}

export function useRoleOptions(): Option[] {
  const label = useRoleLabel();
  return roles.map((r) => ({ value: r, label: label(r) }));
}
