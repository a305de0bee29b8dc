import { incidentCategories, routes, suggestLevel, zeroToleranceNotice, type LevelMapping } from '@wachsam/protocol';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useList } from '../admin/useList.js';
import { Check, Field } from './Field.js';
import { isBelowThreshold, legalKinds, needsLevelReason, type ReportForm } from './formState.js';

export type SetForm = (update: (f: ReportForm) => ReportForm) => void;
/** The server's message for a field, by its path in the body (`causer.lastName`). */
export type IssueAt = (path: string) => string | undefined;

interface SectionProps {
  form: ReportForm;
  setForm: SetForm;
  issueAt: IssueAt;
}

/**
 * The organisation's rooms for everyone who files a report. Without a network the list cannot
 * load: a room already chosen (or taken from the alarm) stays selected, and the place can still
 * be typed in the address field.
 */
function RoomSelect({ form, setForm }: Omit<SectionProps, 'issueAt'>) {
  const { t } = useTranslation();
  const id = useId();
  const places = useList(routes.listPlaces);
  const list = places.data ?? [];
  const unlisted = form.roomId !== '' && !list.some((p) => p.roomId === form.roomId);
  return (
    <div className="field">
      <label htmlFor={id}>{t('reports.form.room')}</label>
      <select id={id} value={form.roomId} onChange={(e) => setForm((f) => ({ ...f, roomId: e.target.value }))}>
        <option value="">{t('reports.form.noRoom')}</option>
        {unlisted && <option value={form.roomId}>{t('reports.form.roomChosen')}</option>}
        {list.map((p) => (
          <option key={p.roomId} value={p.roomId}>
            {p.label}
          </option>
        ))}
      </select>
      {places.error && <p className="muted">{t('reports.form.placesUnavailable')}</p>}
    </div>
  );
}

export function WhenWhere({ form, setForm, issueAt }: SectionProps) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('reports.form.whenWhere')}</legend>
      <Field
        kind="datetime"
        label={t('reports.form.occurredAt')}
        value={form.occurredAt}
        error={issueAt('occurredAt')}
        onChange={(v) => setForm((f) => ({ ...f, occurredAt: v }))}
      />
      <RoomSelect form={form} setForm={setForm} />
      <Field
        label={t('reports.form.address')}
        value={form.address}
        error={issueAt('address')}
        onChange={(v) => setForm((f) => ({ ...f, address: v }))}
      />
    </fieldset>
  );
}

/** Categories, and the level they suggest, live; a different level needs a reason. */
export function WhatHappened({ form, setForm, issueAt, mapping }: SectionProps & { mapping: Partial<LevelMapping> }) {
  const { t } = useTranslation();
  const suggested = suggestLevel(form.categories, mapping);
  const chosen = form.level === '' ? suggested : Number(form.level);
  const suggestionId = useId();
  return (
    <fieldset>
      <legend>{t('reports.form.what')}</legend>
      <fieldset aria-describedby={issueAt('categories') ? `${suggestionId}-cat` : undefined}>
        <legend>{t('reports.form.categories')}</legend>
        <div className="checkbox-list">
          {incidentCategories.map((c) => (
            <Check
              key={c}
              label={t(`reports.categories.${c}`)}
              checked={form.categories.includes(c)}
              onChange={(on) =>
                setForm((f) => ({
                  ...f,
                  categories: on ? [...f.categories, c] : f.categories.filter((x) => x !== c),
                }))
              }
            />
          ))}
        </div>
        {issueAt('categories') && (
          <p id={`${suggestionId}-cat`} className="error">
            {issueAt('categories')}
          </p>
        )}
      </fieldset>
      {form.categories.includes('other') && (
        <Field
          label={t('reports.form.otherCategory')}
          value={form.otherCategory}
          error={issueAt('otherCategory')}
          onChange={(v) => setForm((f) => ({ ...f, otherCategory: v }))}
        />
      )}
      <p id={suggestionId} role="status" className="notice">
        {t('reports.form.suggested', { level: t(`reports.levels.${suggested}`) })}
      </p>
      <fieldset aria-describedby={suggestionId}>
        <legend>{t('reports.form.level')}</legend>
        {[0, 1, 2, 3].map((l) => (
          <label key={l} className="inline block">
            <input
              type="radio"
              name="report-level"
              checked={chosen === l}
              onChange={() =>
                setForm((f) => ({ ...f, level: l === suggestLevel(f.categories, mapping) ? '' : (String(l) as '0') }))
              }
            />
            {t(`reports.levels.${l}`)}
          </label>
        ))}
      </fieldset>
      {needsLevelReason(form, mapping) && (
        <Field
          kind="textarea"
          label={t('reports.form.levelReason')}
          value={form.levelReason}
          error={issueAt('levelReason')}
          onChange={(v) => setForm((f) => ({ ...f, levelReason: v }))}
        />
      )}
      <Field
        kind="textarea"
        rows={5}
        label={t('reports.form.description')}
        value={form.description}
        error={issueAt('description')}
        onChange={(v) => setForm((f) => ({ ...f, description: v }))}
      />
    </fieldset>
  );
}

/**
 * Below the register threshold the report is only counted, unless the reporter asks for a
 * Strafanzeige/Strafantrag (zero tolerance; an insult is prosecuted only on request, within three
 * months): then it goes to the supervisor and HR first. Shown only where it makes a difference.
 */
export function ComplaintWish({
  form,
  setForm,
  mapping,
}: Omit<SectionProps, 'issueAt'> & { mapping: Partial<LevelMapping> }) {
  const { t } = useTranslation();
  const hintId = useId();
  if (!isBelowThreshold(form, mapping)) return null;
  return (
    <fieldset aria-describedby={hintId}>
      <legend>{t('reports.complaintWish.title')}</legend>
      <div id={hintId}>
        <p>{t('reports.complaintWish.below')}</p>
        <p className="notice warning">
          <strong>{zeroToleranceNotice}</strong>
        </p>
      </div>
      <Check
        label={t('reports.complaintWish.label')}
        checked={form.wantsComplaint}
        onChange={(on) => setForm((f) => ({ ...f, wantsComplaint: on }))}
      />
      <p className="muted">{t('reports.complaintWish.deadline')}</p>
    </fieldset>
  );
}

export function CauserSection({ form, setForm, issueAt }: SectionProps) {
  const { t } = useTranslation();
  const c = form.causer;
  const set = (patch: Partial<ReportForm['causer']>) => setForm((f) => ({ ...f, causer: { ...f.causer, ...patch } }));
  return (
    <fieldset>
      <legend>{t('reports.form.causer')}</legend>
      <fieldset>
        <legend>{t('reports.form.causerKnown')}</legend>
        <label className="inline">
          <input type="radio" name="causer-known" checked={c.known} onChange={() => set({ known: true })} />
          {t('reports.form.known')}
        </label>
        <label className="inline">
          <input type="radio" name="causer-known" checked={!c.known} onChange={() => set({ known: false })} />
          {t('reports.form.unknown')}
        </label>
      </fieldset>
      {c.known && (
        <>
          <Field
            label={t('reports.form.lastName')}
            value={c.lastName}
            error={issueAt('causer.lastName')}
            onChange={(v) => set({ lastName: v })}
          />
          <Field
            label={t('reports.form.firstName')}
            value={c.firstName}
            error={issueAt('causer.firstName')}
            onChange={(v) => set({ firstName: v })}
          />
          <Field
            kind="date"
            label={t('reports.form.birthDate')}
            value={c.birthDate}
            error={issueAt('causer.birthDate')}
            onChange={(v) => set({ birthDate: v })}
          />
          <Field
            label={t('reports.form.causerAddress')}
            value={c.address}
            error={issueAt('causer.address')}
            onChange={(v) => set({ address: v })}
          />
        </>
      )}
      <Field
        kind="textarea"
        label={t('reports.form.causerDescription')}
        value={c.description}
        error={issueAt('causer.description')}
        onChange={(v) => set({ description: v })}
      />
    </fieldset>
  );
}

export function Circumstances({ form, setForm, issueAt }: SectionProps) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('reports.form.circumstances')}</legend>
      <Field
        kind="textarea"
        label={t('reports.form.witnesses')}
        value={form.witnesses}
        error={issueAt('witnesses')}
        onChange={(v) => setForm((f) => ({ ...f, witnesses: v }))}
      />
      <Field
        kind="textarea"
        label={t('reports.form.injuries')}
        value={form.injuries}
        error={issueAt('injuries')}
        onChange={(v) => setForm((f) => ({ ...f, injuries: v }))}
      />
      <Check
        label={t('reports.form.policeInvolved')}
        checked={form.policeInvolved}
        onChange={(on) => setForm((f) => ({ ...f, policeInvolved: on }))}
      />
      {legalKinds.map((k) => {
        const step = form.legal[k];
        const set = (patch: Partial<typeof step>) =>
          setForm((f) => ({ ...f, legal: { ...f.legal, [k]: { ...f.legal[k], ...patch } } }));
        return (
          <fieldset key={k}>
            <legend>{t(`reports.legal.${k}`)}</legend>
            <Check label={t(`reports.legalDone.${k}`)} checked={step.done} onChange={(on) => set({ done: on })} />
            {step.done && (
              <div className="inline-fields">
                <Field
                  kind="date"
                  label={t('reports.form.legalDate')}
                  value={step.date}
                  error={issueAt(`legal.${k}.date`)}
                  onChange={(v) => set({ date: v })}
                />
                <Field
                  label={t('reports.form.legalReference')}
                  value={step.reference}
                  error={issueAt(`legal.${k}.reference`)}
                  onChange={(v) => set({ reference: v })}
                />
              </div>
            )}
          </fieldset>
        );
      })}
    </fieldset>
  );
}
