import type { Executor } from '../db/client.js';
import { insertHelpOffers } from './aftercare-repository.js';

/**
 * The help-offer catalogue of the demo organisation (seed 003, "Hilfsangebote"; seed 000,
 * Nachsorge). A real organisation enters its own contacts; these are examples to start from.
 */
export async function seedHelpOffers(ex: Executor, orgId: string): Promise<void> {
  const offers: Array<[title: string, description: string, contact: string]> = [
    [
      'Psychologische Erste Hilfe / Kollegiale Erstbetreuung',
      'Geschulte Kolleginnen und Kollegen sind nach einem belastenden Ereignis sofort für Sie da – vertraulich und ohne Dienstweg.',
      'Erstbetreuungsteam, Tel. 0221 555-190 (werktags 7–18 Uhr)',
    ],
    [
      'Betriebsärztlicher Dienst',
      'Untersuchung und Beratung nach Verletzungen oder bei anhaltenden Beschwerden; Dokumentation für die Unfallanzeige.',
      'Betriebsärztin Dr. Lehmann, Rathaus 2. OG, Tel. 0221 555-180',
    ],
    [
      'Mitarbeiterberatung (Sozialberatung)',
      'Vertrauliche Gespräche und Vermittlung von Therapieplätzen, auch für Angehörige.',
      'Sozialberatung, Tel. 0221 555-185, sozialberatung@musterstadt.example',
    ],
    [
      'Unfallanzeige an die Unfallkasse NRW',
      'Ein tätlicher Angriff im Dienst ist ein Arbeitsunfall. Auch ohne sichtbare Verletzung melden: psychische Folgen können später auftreten.',
      'Personalmanagement, Tel. 0221 555-120; www.unfallkasse-nrw.de',
    ],
    [
      'WEISSER RING e.V.',
      'Hilfe für Opfer von Kriminalität: Beistand, Begleitung zu Polizei und Gericht, Vermittlung von Hilfen.',
      'Opfer-Telefon 116 006 (kostenfrei, täglich 7–22 Uhr)',
    ],
    [
      'Opferschutzbeauftragte der Polizei NRW',
      'Beratung zu Anzeige, Schutzmaßnahmen und Rechten als Geschädigte/r.',
      'Kreispolizeibehörde, Opferschutz, Tel. 0221 229-0',
    ],
  ];
  await insertHelpOffers(
    ex,
    offers.map(([title, description, contact], i) => ({ orgId, title, description, contact, sortOrder: (i + 1) * 10 })),
  );
}
