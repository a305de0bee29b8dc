import {
  minOnlineOf,
  roles,
  type AlarmPlan,
  type AlarmPlanInput,
  type PlanScope,
  type StepTarget,
} from '@wachsam/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { messageOf, RequestError } from '../api/http.js';
import { issuePath, type Option } from './fields.js';
import { useRoleLabel, type Lookups } from './lookups.js';

/** Step and target as typed, so a bad number is kept and explained by the server. */
interface TargetDraft {
  kind: StepTarget['kind'];
  ref: string;
}
interface StepDraft {
  targets: TargetDraft[];
  timeoutSeconds: string;
  callPolice: boolean;
  /** Mindestanzahl Empfänger online; "0" turns it off. */
  minOnline: string;
}
interface PlanDraft {
  name: string;
  scopeKind: PlanScope['kind'];
  scopeRef: string;
  steps: StepDraft[];
}

const targetKinds: StepTarget['kind'][] = ['same_floor', 'same_department', 'same_building', 'role', 'group', 'person'];

function toTarget(t: TargetDraft): unknown {
  switch (t.kind) {
    case 'person':
      return { kind: 'person', personId: t.ref };
    case 'group':
      return { kind: 'group', groupId: t.ref };
    case 'role':
      return { kind: 'role', role: t.ref };
    default:
      return { kind: t.kind };
  }
}

function fromTarget(t: StepTarget): TargetDraft {
  switch (t.kind) {
    case 'person':
      return { kind: t.kind, ref: t.personId };
    case 'group':
      return { kind: t.kind, ref: t.groupId };
    case 'role':
      return { kind: t.kind, ref: t.role };
    default:
      return { kind: t.kind, ref: '' };
  }
}

export function planToDraft(plan: AlarmPlan | null): PlanDraft {
  if (!plan)
    return {
      name: '',
      scopeKind: 'organisation',
      scopeRef: '',
      steps: [{ targets: [{ kind: 'same_floor', ref: '' }], timeoutSeconds: '30', callPolice: false, minOnline: '1' }],
    };
  const scope = plan.scope;
  return {
    name: plan.name,
    scopeKind: scope.kind,
    scopeRef: scope.kind === 'department' ? scope.departmentId : scope.kind === 'room' ? scope.roomId : '',
    steps: plan.steps.map((s) => ({
      targets: s.targets.map(fromTarget),
      timeoutSeconds: String(s.timeoutSeconds),
      callPolice: s.callPolice,
      minOnline: String(minOnlineOf(s)),
    })),
  };
}

/** A whole number as typed goes as a number; anything else as typed, and the server explains. */
const numberOrText = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text);

/** The request body; typed text that is not a number goes as typed, and the server explains. */
export function draftToPlan(d: PlanDraft): AlarmPlanInput {
  const scope =
    d.scopeKind === 'department'
      ? { kind: 'department', departmentId: d.scopeRef }
      : d.scopeKind === 'room'
        ? { kind: 'room', roomId: d.scopeRef }
        : { kind: 'organisation' };
  return {
    name: d.name,
    scope,
    steps: d.steps.map((s) => ({
      targets: s.targets.map(toTarget),
      timeoutSeconds: numberOrText(s.timeoutSeconds),
      callPolice: s.callPolice,
      minOnline: numberOrText(s.minOnline),
    })),
  } as AlarmPlanInput;
}

function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: Option[];
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <span className="field inline-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {value === '' && <option value="">–</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

export function PlanEditor({
  plan,
  lookups,
  onSave,
  onCancel,
}: {
  plan: AlarmPlan | null;
  lookups: Lookups;
  onSave: (body: AlarmPlanInput) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const roleLabel = useRoleLabel();
  const [draft, setDraft] = useState<PlanDraft>(() => planToDraft(plan));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameId = useId();

  const setStep = (i: number, change: Partial<StepDraft>): void =>
    setDraft((d) => ({ ...d, steps: d.steps.map((s, j) => (j === i ? { ...s, ...change } : s)) }));
  const moveStep = (i: number, by: -1 | 1): void =>
    setDraft((d) => {
      const steps = [...d.steps];
      const [step] = steps.splice(i, 1);
      if (step) steps.splice(i + by, 0, step);
      return { ...d, steps };
    });
  const refOptions = (kind: TargetDraft['kind']): Option[] | null =>
    kind === 'person'
      ? lookups.options.people
      : kind === 'group'
        ? lookups.options.groups
        : kind === 'role'
          ? roles.map((r) => ({ value: r, label: roleLabel(r) }))
          : null;

  const placeOf = (path: string): string =>
    issuePath(path)
      .split('.')
      .reduce<string[]>((out, part, idx, parts) => {
        if (/^\d+$/.test(part)) return out;
        const next = parts[idx + 1];
        const n = next !== undefined && /^\d+$/.test(next) ? Number(next) + 1 : undefined;
        out.push(t(`admin.plans.paths.${part}`, { n, defaultValue: part }));
        return out;
      }, [])
      .join(', ');

  async function submit(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await onSave(draftToPlan(draft));
    } catch (err) {
      // Issues name their place (steps.1.timeoutSeconds): say it in words, 1-based.
      const details = err instanceof RequestError ? err.issues.map((i) => `${placeOf(i.path)}: ${i.message}`) : [];
      setError([messageOf(err), ...details].join(' – '));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="resource-form"
      aria-label={plan ? t('admin.editTitle') : t('admin.createTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{plan ? t('admin.editTitle') : t('admin.createTitle')}</h3>
      <div className="field">
        <label htmlFor={nameId}>{t('admin.fields.name')}</label>
        <input id={nameId} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
      </div>
      <Select
        label={t('admin.plans.scope')}
        value={draft.scopeKind}
        options={(['organisation', 'department', 'room'] as const).map((k) => ({
          value: k,
          label: t(`admin.plans.scopes.${k}`),
        }))}
        onChange={(v) => setDraft({ ...draft, scopeKind: v as PlanScope['kind'], scopeRef: '' })}
      />
      {draft.scopeKind !== 'organisation' && (
        <Select
          label={draft.scopeKind === 'room' ? t('admin.fields.room') : t('admin.fields.department')}
          value={draft.scopeRef}
          options={draft.scopeKind === 'room' ? lookups.options.rooms : lookups.options.departments}
          onChange={(v) => setDraft({ ...draft, scopeRef: v })}
        />
      )}
      <ol className="steps">
        {draft.steps.map((step, i) => (
          <li key={i}>
            <fieldset>
              <legend>{t('admin.plans.step', { n: i + 1 })}</legend>
              {step.targets.map((target, k) => {
                const options = refOptions(target.kind);
                const setTarget = (change: Partial<TargetDraft>): void =>
                  setStep(i, { targets: step.targets.map((x, m) => (m === k ? { ...x, ...change } : x)) });
                return (
                  <div key={k} className="target-row">
                    <Select
                      label={t('admin.plans.target', { n: k + 1, step: i + 1 })}
                      value={target.kind}
                      options={targetKinds.map((kind) => ({ value: kind, label: t(`admin.plans.targets.${kind}`) }))}
                      onChange={(v) => setTarget({ kind: v as TargetDraft['kind'], ref: '' })}
                    />
                    {options && (
                      <Select
                        label={t('admin.plans.targetRef', {
                          n: k + 1,
                          step: i + 1,
                          kind: t(`admin.plans.targets.${target.kind}`),
                        })}
                        value={target.ref}
                        options={options}
                        onChange={(v) => setTarget({ ref: v })}
                      />
                    )}
                    <button
                      type="button"
                      onClick={() => setStep(i, { targets: step.targets.filter((_, m) => m !== k) })}
                      aria-label={t('admin.plans.removeTarget', { n: k + 1, step: i + 1 })}
                    >
                      {t('admin.delete')}
                    </button>
                  </div>
                );
              })}
              <button
                type="button"
                onClick={() => setStep(i, { targets: [...step.targets, { kind: 'same_floor', ref: '' }] })}
              >
                {t('admin.plans.addTarget')}
              </button>
              <StepSettings step={step} index={i} onChange={(change) => setStep(i, change)} />
              <div className="button-row">
                <button type="button" disabled={i === 0} onClick={() => moveStep(i, -1)}>
                  {t('admin.plans.up')}
                </button>
                <button type="button" disabled={i === draft.steps.length - 1} onClick={() => moveStep(i, 1)}>
                  {t('admin.plans.down')}
                </button>
                <button
                  type="button"
                  onClick={() => setDraft({ ...draft, steps: draft.steps.filter((_, j) => j !== i) })}
                >
                  {t('admin.plans.removeStep')}
                </button>
              </div>
            </fieldset>
          </li>
        ))}
      </ol>
      <button
        type="button"
        onClick={() =>
          setDraft({
            ...draft,
            steps: [
              ...draft.steps,
              {
                targets: [{ kind: 'role', ref: 'security_desk' }],
                timeoutSeconds: '60',
                callPolice: false,
                minOnline: '1',
              },
            ],
          })
        }
      >
        {t('admin.plans.addStep')}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy}>
          {plan ? t('admin.save') : t('admin.create')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function StepSettings({
  step,
  index,
  onChange,
}: {
  step: StepDraft;
  index: number;
  onChange: (c: Partial<StepDraft>) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="step-settings">
      <span className="field inline-field">
        <label htmlFor={`${id}-timeout`}>{t('admin.plans.timeout', { n: index + 1 })}</label>
        <input
          id={`${id}-timeout`}
          inputMode="numeric"
          value={step.timeoutSeconds}
          onChange={(e) => onChange({ timeoutSeconds: e.target.value })}
        />
      </span>
      <span className="field inline-field">
        <label htmlFor={`${id}-min-online`}>{t('admin.plans.minOnline', { n: index + 1 })}</label>
        <input
          id={`${id}-min-online`}
          inputMode="numeric"
          aria-describedby={`${id}-min-online-hint`}
          value={step.minOnline}
          onChange={(e) => onChange({ minOnline: e.target.value })}
        />
        <span id={`${id}-min-online-hint`} className="muted small">
          {t('admin.plans.minOnlineHint')}
        </span>
      </span>
      <label className="inline">
        <input type="checkbox" checked={step.callPolice} onChange={(e) => onChange({ callPolice: e.target.checked })} />
        {t('admin.plans.callPolice', { n: index + 1 })}
      </label>
    </div>
  );
}
