import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListState } from './useList.js';

/**
 * The states of a loaded list, said the same way on every page: the error (kept visible, also
 * above data loaded earlier), "loading", the page's own "none yet" text, or the items.
 */
export function ListBody<T>({
  list,
  empty,
  children,
}: {
  list: ListState<T[]>;
  empty: string;
  children: (items: T[]) => ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      {list.error && (
        <p role="alert" className="error">
          {list.error}
        </p>
      )}
      {!list.data ? <p>{t('common.loading')}</p> : list.data.length === 0 ? <p>{empty}</p> : children(list.data)}
    </>
  );
}
