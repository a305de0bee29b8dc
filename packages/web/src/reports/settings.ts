import { defaultLevelMapping, routes, type LevelMapping } from '@wachsam/protocol';
import { useList } from '../admin/useList.js';

/**
 * The organisation's category → level mapping for the live suggestion. Until it has loaded
 * (or with no network) the Aachener Modell's default stands in; the server decides anyway.
 */
export function useLevelMapping(): Partial<LevelMapping> {
  const { data } = useList(routes.getSettings);
  return data?.levelMapping ?? defaultLevelMapping;
}
