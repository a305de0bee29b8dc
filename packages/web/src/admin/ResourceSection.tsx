import type { RouteDef } from '@wachsam/protocol';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf, type ResponseOf } from '../api/http.js';
import { draftToBody, type Draft, type FieldSpec } from './fields.js';
import { ResourceForm } from './ResourceForm.js';
import { useList } from './useList.js';

export interface Crud {
  list: RouteDef;
  create: RouteDef;
  update: RouteDef;
  remove: RouteDef;
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

type Row<C extends Crud> = ResponseOf<C['list']> extends readonly (infer T)[] ? T : never;

/**
 * One administered resource: a table, a form to create, edit and delete. Generic over the
 * protocol's `adminResources` entries, so every resource behaves the same way.
 */
export function ResourceSection<C extends Crud>({
  title,
  resource,
  columns,
  fields,
  empty,
  toDraft,
  toBody,
  canEdit,
  rowActions,
  intro,
  onSaved,
}: {
  title: string;
  resource: C;
  columns: Column<Row<C>>[];
  fields: FieldSpec[];
  empty: Draft;
  toDraft: (row: Row<C>) => Draft;
  toBody?: (draft: Draft) => unknown;
  canEdit: boolean;
  rowActions?: (row: Row<C>, reload: () => void) => ReactNode;
  /** Shown under the title: what a person must know before editing. */
  intro?: ReactNode;
  /** After a row was created or changed (the server may have done more than the row shows). */
  onSaved?: () => void;
}) {
  const { t } = useTranslation();
  const list = useList(resource.list);
  const [saved, setSaved] = useState(false);
  const [editing, setEditing] = useState<Row<C> | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [rowError, setRowError] = useState<string | null>(null);
  const rows = (list.data ?? []) as Row<C>[];
  const body = (draft: Draft): unknown => (toBody ? toBody(draft) : draftToBody(fields, draft));
  const idOf = (row: Row<C>): string => (row as { id: string }).id;

  async function remove(row: Row<C>): Promise<void> {
    if (!window.confirm(t('admin.confirmDelete'))) return;
    setRowError(null);
    try {
      await call(resource.remove, { params: { id: idOf(row) } });
      list.reload();
    } catch (err) {
      setRowError(messageOf(err));
    }
  }

  return (
    <section aria-labelledby="section-title">
      <h2 id="section-title">{title}</h2>
      {intro}
      {list.error && (
        <p role="alert" className="error">
          {list.error}
        </p>
      )}
      {rowError && (
        <p role="alert" className="error">
          {rowError}
        </p>
      )}
      {saved && <p role="status">{t('admin.saved')}</p>}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns.length + 1}>{list.data ? t('admin.empty') : t('common.loading')}</td>
              </tr>
            )}
            {rows.map((row) => (
              <tr key={idOf(row)}>
                {columns.map((c) => (
                  <td key={c.header}>{c.cell(row)}</td>
                ))}
                <td>
                  <div className="actions">
                    {canEdit && (
                      <>
                        <button
                          type="button"
                          onClick={() => {
                            setSaved(false);
                            setEditing(row);
                            setFormKey((k) => k + 1);
                          }}
                        >
                          {t('admin.edit')}
                        </button>
                        <button type="button" onClick={() => void remove(row)}>
                          {t('admin.delete')}
                        </button>
                      </>
                    )}
                    {rowActions?.(row, list.reload)}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit && (
        <ResourceForm
          key={formKey}
          title={editing ? t('admin.editTitle') : t('admin.createTitle')}
          fields={fields}
          initial={editing ? toDraft(editing) : empty}
          submitLabel={editing ? t('admin.save') : t('admin.create')}
          onCancel={
            editing
              ? () => {
                  setEditing(null);
                  setFormKey((k) => k + 1);
                }
              : undefined
          }
          onSubmit={async (draft) => {
            setSaved(false);
            // The draft goes as typed (a number field may hold text): the server validates
            // against the route's schema and its message is shown next to the form.
            if (editing) {
              await call(resource.update, { params: { id: idOf(editing) }, body: body(draft) as never });
              setEditing(null);
            } else {
              await call(resource.create, { body: body(draft) as never });
            }
            setFormKey((k) => k + 1);
            setSaved(true);
            list.reload();
            onSaved?.();
          }}
        />
      )}
    </section>
  );
}
