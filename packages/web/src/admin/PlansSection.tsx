import { adminResources, minOnlineOf, type AlarmPlan, type PlanStep, type StepTarget } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, messageOf } from '../api/http.js';
import { useRoleLabel, type Lookups } from './lookups.js';
import { PlanEditor } from './PlanEditor.js';
import { useList } from './useList.js';

function useTargetLabel(lookups: Lookups): (t: StepTarget) => string {
  const { t } = useTranslation();
  const roleLabel = useRoleLabel();
  return (target) => {
    switch (target.kind) {
      case 'person':
        return lookups.personLabel(target.personId);
      case 'group':
        return `${t('admin.plans.targets.group')}: ${lookups.groupName(target.groupId)}`;
      case 'role':
        return roleLabel(target.role);
      default:
        return t(`admin.plans.targets.${target.kind}`);
    }
  };
}

export function PlansSection({ canEdit, lookups }: { canEdit: boolean; lookups: Lookups }) {
  const { t } = useTranslation();
  const list = useList(adminResources.plans.list);
  const [editing, setEditing] = useState<AlarmPlan | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const targetLabel = useTargetLabel(lookups);

  const scopeLabel = (plan: AlarmPlan): string => {
    const s = plan.scope;
    if (s.kind === 'department')
      return `${t('admin.plans.scopes.department')}: ${lookups.departmentName(s.departmentId)}`;
    if (s.kind === 'room') return `${t('admin.plans.scopes.room')}: ${lookups.roomLabel(s.roomId)}`;
    return t('admin.plans.scopes.organisation');
  };
  const stepLabel = (step: PlanStep): string =>
    `${step.targets.map(targetLabel).join(' + ')} – ${t('admin.plans.seconds', { s: step.timeoutSeconds })}` +
    (minOnlineOf(step) > 0 ? ` – ${t('admin.plans.minOnlineShort', { n: minOnlineOf(step) })}` : '') +
    (step.callPolice ? ` – ${t('admin.plans.police')}` : '');

  async function remove(plan: AlarmPlan): Promise<void> {
    if (!window.confirm(t('admin.confirmDelete'))) return;
    setError(null);
    try {
      await call(adminResources.plans.remove, { params: { id: plan.id } });
      list.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <section aria-labelledby="section-title">
      <h2 id="section-title">{t('admin.sections.plans')}</h2>
      {(list.error ?? error) && (
        <p role="alert" className="error">
          {list.error ?? error}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('admin.sections.plans')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.fields.name')}</th>
              <th scope="col">{t('admin.plans.scope')}</th>
              <th scope="col">{t('admin.plans.steps')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((plan) => (
              <tr key={plan.id}>
                <td>{plan.name}</td>
                <td>{scopeLabel(plan)}</td>
                <td>
                  <ol className="plain">
                    {plan.steps.map((s, i) => (
                      <li key={i}>{stepLabel(s)}</li>
                    ))}
                  </ol>
                </td>
                <td>
                  <div className="actions">
                    {canEdit && (
                      <>
                        <button type="button" onClick={() => setEditing(plan)}>
                          {t('admin.edit')}
                        </button>
                        <button type="button" onClick={() => void remove(plan)}>
                          {t('admin.delete')}
                        </button>
                      </>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit && editing === null && (
        <button type="button" onClick={() => setEditing('new')}>
          {t('admin.plans.new')}
        </button>
      )}
      {canEdit && editing !== null && (
        <PlanEditor
          key={editing === 'new' ? 'new' : editing.id}
          plan={editing === 'new' ? null : editing}
          lookups={lookups}
          onCancel={() => setEditing(null)}
          onSave={async (body) => {
            if (editing === 'new') await call(adminResources.plans.create, { body });
            else await call(adminResources.plans.update, { params: { id: editing.id }, body });
            setEditing(null);
            list.reload();
          }}
        />
      )}
    </section>
  );
}
