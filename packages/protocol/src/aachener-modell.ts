import { z } from 'zod';

// --- Aachener Modell: categories and levels ---

export const incidentCategories = [
  'insult',
  'threat',
  'coercion',
  'property_damage',
  'bodily_harm',
  'weapon',
  'bomb_threat',
  'amok',
  'hostage_robbery',
  'other',
] as const;
export const IncidentCategory = z.enum(incidentCategories);
export type IncidentCategory = z.infer<typeof IncidentCategory>;

export const categoryLabels: Record<IncidentCategory, string> = {
  insult: 'Beleidigung',
  threat: 'Bedrohung',
  coercion: 'Nötigung',
  property_damage: 'Sachbeschädigung',
  bodily_harm: 'Körperverletzung',
  weapon: 'Waffe/Werkzeug',
  bomb_threat: 'Bombendrohung',
  amok: 'Amok',
  hostage_robbery: 'Geiselnahme/Überfall',
  other: 'Sonstiges',
};

export const Level = z.number().int().min(0, 'Stufe 0 bis 3').max(3, 'Stufe 0 bis 3');
export type Level = z.infer<typeof Level>;

export const levelLabels: Record<Level, string> = {
  0: 'Stufe 0: normales bis kontroverses Gespräch',
  1: 'Stufe 1: unangemessenes Sozialverhalten, verbale Aggression, Beleidigung',
  2: 'Stufe 2: Sachbeschädigung, körperliche Gewalt, Bedrohung, Nötigung',
  3: 'Stufe 3: Waffe/Werkzeug, Bombendrohung, Amok, Geiselnahme, Überfall',
};

export const LevelMapping = z.record(IncidentCategory, Level);
export type LevelMapping = z.infer<typeof LevelMapping>;

/**
 * The Aachener Modell as the Unfallkasse NRW draws it. Cologne files property damage under
 * level 2; an organisation changes the mapping in its settings.
 */
export const defaultLevelMapping: Record<IncidentCategory, Level> = {
  insult: 1,
  threat: 2,
  coercion: 2,
  property_damage: 1,
  bodily_harm: 2,
  weapon: 3,
  bomb_threat: 3,
  amok: 3,
  hostage_robbery: 3,
  other: 0,
};

/** The level the categories suggest: the highest of them. */
export function suggestLevel(categories: readonly IncidentCategory[], mapping: Partial<LevelMapping>): Level {
  return categories.reduce<Level>((max, c) => Math.max(max, mapping[c] ?? defaultLevelMapping[c]) as Level, 0);
}

/** The category an incident is counted under in statistics: the first of the highest level. */
export function mainCategory(
  categories: readonly IncidentCategory[],
  mapping: Partial<LevelMapping>,
): IncidentCategory {
  const level = (c: IncidentCategory) => mapping[c] ?? defaultLevelMapping[c];
  return (
    [...categories].sort(
      (a, b) => level(b) - level(a) || incidentCategories.indexOf(a) - incidentCategories.indexOf(b),
    )[0] ?? 'other'
  );
}

/**
 * Entry threshold: criminal acts of level 2–3. Below it (level 0–1, or only "other") a report is
 * kept for anonymous statistics only.
 */
export function belowThreshold(level: Level, categories: readonly IncidentCategory[]): boolean {
  return level < 2 || categories.every((c) => c === 'other');
}

export const zeroToleranceNotice =
  'Null Toleranz: Jeder verbale oder körperliche Angriff sollte bei der Polizei angezeigt werden – auch wenn die Meldung unterhalb der Schwelle für das Register bleibt.';
