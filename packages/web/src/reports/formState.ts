import {
  belowThreshold,
  suggestLevel,
  type FullReport,
  type IncidentCategory,
  type Level,
  type LevelMapping,
  type ReportInputDraft,
} from '@wachsam/protocol';
import { isoToLocal, localToIso } from '../admin/fields.js';

export const legalKinds = ['strafanzeige', 'strafantrag', 'hausverbot'] as const;
export type LegalKind = (typeof legalKinds)[number];
export const evidenceKinds = ['threatCall', 'letter', 'online'] as const;
export type EvidenceKind = (typeof evidenceKinds)[number];

export interface LegalStepForm {
  done: boolean;
  date: string;
  reference: string;
}

/** Structured evidence forms (seed 000): every field as typed; `at` is `datetime-local` text. */
export interface EvidenceForm {
  threatCall: { at: string; line: string; callerNumber: string; voice: string; background: string; wording: string };
  letter: { receivedAt: string; deliveredBy: string; sender: string; content: string };
  online: { at: string; url: string; platform: string; account: string; content: string };
}

/**
 * The report form exactly as typed: plain strings and booleans, so it can be kept in
 * localStorage and restored without loss, whatever the server would say about it.
 */
export interface ReportForm {
  occurredAt: string;
  roomId: string;
  address: string;
  categories: IncidentCategory[];
  otherCategory: string;
  /** '' = take the level the categories suggest. */
  level: '' | '0' | '1' | '2' | '3';
  levelReason: string;
  description: string;
  causer: {
    known: boolean;
    lastName: string;
    firstName: string;
    birthDate: string;
    address: string;
    description: string;
  };
  witnesses: string;
  injuries: string;
  policeInvolved: boolean;
  /** "Ich möchte Strafanzeige/Strafantrag": below the register threshold the report then goes to supervisor and HR. */
  wantsComplaint: boolean;
  legal: Record<LegalKind, LegalStepForm>;
  evidence: EvidenceForm;
  alarmId: string | null;
}

const noStep = (): LegalStepForm => ({ done: false, date: '', reference: '' });

export function emptyEvidence(): EvidenceForm {
  return {
    threatCall: { at: '', line: '', callerNumber: '', voice: '', background: '', wording: '' },
    letter: { receivedAt: '', deliveredBy: '', sender: '', content: '' },
    online: { at: '', url: '', platform: '', account: '', content: '' },
  };
}

export function emptyForm(now: Date = new Date()): ReportForm {
  return {
    occurredAt: isoToLocal(now.toISOString()),
    roomId: '',
    address: '',
    categories: [],
    otherCategory: '',
    level: '',
    levelReason: '',
    description: '',
    causer: { known: false, lastName: '', firstName: '', birthDate: '', address: '', description: '' },
    witnesses: '',
    injuries: '',
    policeInvolved: false,
    wantsComplaint: false,
    legal: { strafanzeige: noStep(), strafantrag: noStep(), hausverbot: noStep() },
    evidence: emptyEvidence(),
    alarmId: null,
  };
}

const filled = (values: Record<string, string>): boolean => Object.values(values).some((v) => v.trim() !== '');

/** The level the form stands for: the chosen one, or the suggestion. */
export function effectiveLevel(form: ReportForm, mapping: Partial<LevelMapping>): number {
  return form.level === '' ? suggestLevel(form.categories, mapping) : Number(form.level);
}

/**
 * Below the register threshold (level 0–1, or only "other"): without the reporter's wish for a
 * Strafanzeige/Strafantrag the report is then only counted anonymously.
 */
export function isBelowThreshold(form: ReportForm, mapping: Partial<LevelMapping>): boolean {
  return belowThreshold(effectiveLevel(form, mapping) as Level, form.categories);
}

/** A reason is needed only when the chosen level differs from the suggestion. */
export function needsLevelReason(form: ReportForm, mapping: Partial<LevelMapping>): boolean {
  return form.level !== '' && Number(form.level) !== suggestLevel(form.categories, mapping);
}

/**
 * The request body. Nothing is dropped or "fixed" here: an incomplete date or a missing
 * reference goes to the server as typed, is saved with the draft, and the submission names the
 * field.
 */
export function toInput(form: ReportForm, mapping: Partial<LevelMapping>): ReportInputDraft {
  const step = (s: LegalStepForm) => (s.done ? { date: s.date, reference: s.reference } : null);
  const { threatCall, letter, online } = form.evidence;
  const explicit = needsLevelReason(form, mapping);
  return {
    occurredAt: localToIso(form.occurredAt),
    roomId: form.roomId === '' ? null : form.roomId,
    address: form.address,
    categories: form.categories,
    otherCategory: form.categories.includes('other') ? form.otherCategory : '',
    level: explicit ? Number(form.level) : null,
    levelReason: explicit ? form.levelReason : '',
    description: form.description,
    causer: {
      known: form.causer.known,
      lastName: form.causer.known ? form.causer.lastName : '',
      firstName: form.causer.known ? form.causer.firstName : '',
      birthDate: form.causer.known && form.causer.birthDate !== '' ? form.causer.birthDate : null,
      address: form.causer.known ? form.causer.address : '',
      description: form.causer.description,
    },
    witnesses: form.witnesses,
    injuries: form.injuries,
    policeInvolved: form.policeInvolved,
    wantsComplaint: form.wantsComplaint,
    legal: {
      strafanzeige: step(form.legal.strafanzeige),
      strafantrag: step(form.legal.strafantrag),
      hausverbot: step(form.legal.hausverbot),
    },
    evidence: {
      threatCall: filled(threatCall) ? { ...threatCall, at: localToIso(threatCall.at) } : null,
      letter: filled(letter) ? { ...letter, receivedAt: localToIso(letter.receivedAt) } : null,
      online: filled(online) ? { ...online, at: localToIso(online.at) } : null,
    },
    alarmId: form.alarmId,
  };
}

/** A stored report back into the form (editing a draft, or a draft made from an alarm). */
export function fromReport(report: FullReport): ReportForm {
  const step = (s: { date: string; reference: string } | null): LegalStepForm =>
    s ? { done: true, date: s.date, reference: s.reference } : noStep();
  const ev = report.evidence;
  const empty = emptyEvidence();
  const explicit = report.level !== report.suggestedLevel || report.levelReason !== '';
  return {
    occurredAt: isoToLocal(report.occurredAt),
    roomId: report.roomId ?? '',
    address: report.address,
    categories: report.categories,
    otherCategory: report.otherCategory,
    level: explicit ? (String(report.level) as ReportForm['level']) : '',
    levelReason: report.levelReason,
    description: report.description,
    causer: { ...report.causer, birthDate: report.causer.birthDate ?? '' },
    witnesses: report.witnesses,
    injuries: report.injuries,
    policeInvolved: report.policeInvolved,
    wantsComplaint: report.wantsComplaint,
    legal: {
      strafanzeige: step(report.legal.strafanzeige),
      strafantrag: step(report.legal.strafantrag),
      hausverbot: step(report.legal.hausverbot),
    },
    evidence: {
      threatCall: ev.threatCall ? { ...ev.threatCall, at: isoToLocal(ev.threatCall.at) } : empty.threatCall,
      letter: ev.letter ? { ...ev.letter, receivedAt: isoToLocal(ev.letter.receivedAt) } : empty.letter,
      online: ev.online ? { ...ev.online, at: isoToLocal(ev.online.at) } : empty.online,
    },
    alarmId: report.alarmId,
  };
}
