import type { Messages } from './de.js';

/** English texts of the retention settings. */
export const retentionEn: Pick<Messages, 'retention'> = {
  retention: {
    title: 'Retention and deletion',
    intro:
      'How long Wachsam keeps personal data. When a period has run out the data is invisible to everybody at once and is deleted – rows and evidence files, not merely flagged. The audit log records only how many entries were deleted, never names or content. Periods can only be set within the bounds shown.',
    formTitle: 'Periods',
    periods: {
      alarmRetentionDays: 'Alarms: delete … days after the end ({{min}}–{{max}})',
      reportRetentionMonths: 'Reports: delete … months after the last workflow step ({{min}}–{{max}})',
      draftRetentionDays: 'Drafts: delete … days after the last change ({{min}}–{{max}})',
      registerReviewMonths: 'Register: review after … months ({{min}}–{{max}})',
      registerRetentionMonths: 'Register: deletion after … months ({{min}}–{{max}})',
      deletionWarningDays: 'Register: warning … days before deletion ({{min}}–{{max}})',
      auditRetentionMonths: 'Audit log: delete after … months ({{min}}–{{max}})',
    },
    overview: 'Retention at a glance',
    columns: { data: 'Data', period: 'Period', from: 'Period starts at', setting: 'Adjustable' },
    fixed: 'fixed',
    rangeDays: '{{min}}–{{max}} days',
    rangeMonths: '{{min}}–{{max}} months',
    hours_one: '{{count}} hour',
    hours_other: '{{count}} hours',
    days_one: '{{count}} day',
    days_other: '{{count}} days',
    months_one: '{{count}} month',
    months_other: '{{count}} months',
    rows: {
      alarms: {
        data: 'Alarms with receivers, receipts, answers, messages, positions and debrief',
        from: 'End of the alarm; while a kept report names the alarm, as long as the report',
      },
      lastPosition: {
        data: 'Last known position from the phone app',
        from: 'Storing; not used after 12 hours',
      },
      events: { data: 'Realtime events to the consoles', from: 'Event; never longer than its alarm' },
      reports: {
        data: 'Reports above the threshold with evidence, workflow steps and debrief',
        from: 'Last workflow step; for a published warning its archiving',
      },
      drafts: { data: 'Report drafts', from: 'Last change' },
      belowThreshold: {
        data: 'Reports below the threshold',
        period: 'at once',
        from: 'Submission; only an anonymous count remains',
      },
      warnings: { data: 'Published warnings (then archived)', from: 'Publication' },
      register: { data: 'Register entries', from: 'Entry or last review' },
      accessLog: {
        data: 'Register access log',
        from: 'Lookup; longer only while data protection holds entries for a control',
      },
      audit: { data: 'Audit log (who did what, no content)', from: 'Entry' },
      facts: { data: 'Anonymous counts for the situation report', period: 'unlimited', from: 'No personal data' },
    },
  },
};
