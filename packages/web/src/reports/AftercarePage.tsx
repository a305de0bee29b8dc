import { routes, type AftercareTask } from '@wachsam/protocol';
import { ListBody } from '../admin/ListBody.js';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ResourceForm } from '../admin/ResourceForm.js';
import { useList } from '../admin/useList.js';
import { call } from '../api/http.js';
import { formatDay, formatTime } from '../app/format.js';
import { followLink } from '../app/router.js';

function TaskCard({ task, onDone }: { task: AftercareTask; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const headingId = `task-${task.id}`;
  return (
    <li>
      <article className="task-card" aria-labelledby={headingId}>
        <h2 id={headingId}>{t('aftercare.debrief', { person: task.affectedPerson })}</h2>
        <p>
          {task.alarmId
            ? t('aftercare.afterAlarm')
            : task.reportId
              ? t('aftercare.afterReport')
              : t('aftercare.withheld')}
          {task.reportId && (
            <>
              {' · '}
              <a href={`/meldungen/${task.reportId}`} onClick={(e) => followLink(e, `/meldungen/${task.reportId}`)}>
                {t('aftercare.openReport')}
              </a>
            </>
          )}
        </p>
        <p>
          {t('aftercare.created', { time: formatDay(task.createdOn, i18n.language) })} ·{' '}
          {t('aftercare.due', { time: formatDay(task.dueOn, i18n.language) })}
        </p>
        {task.doneAt ? (
          <p>{t('aftercare.doneAt', { time: formatTime(task.doneAt, i18n.language), note: task.note || '–' })}</p>
        ) : (
          <ResourceForm
            title={t('aftercare.complete')}
            fields={[{ name: 'comment', label: t('aftercare.note'), kind: 'textarea' }]}
            initial={{ comment: '' }}
            submitLabel={t('aftercare.complete')}
            onSubmit={async (d) => {
              await call(routes.completeTask, {
                params: { id: task.id },
                body: { comment: typeof d.comment === 'string' ? d.comment : '' },
              });
              onDone();
            }}
          />
        )}
      </article>
    </li>
  );
}

/** Follow-up after an incident or alarm: the debrief the supervisor holds with the person affected. */
export function AftercarePage() {
  const { t } = useTranslation();
  const list = useList(routes.listTasks);
  const [done, setDone] = useState(false);
  return (
    <section aria-labelledby="aftercare-title">
      <h1 id="aftercare-title">{t('aftercare.title')}</h1>
      <div role="status">{done && <p>{t('aftercare.marked')}</p>}</div>
      <ListBody list={list} empty={t('aftercare.none')}>
        {(items) => (
          <ul className="task-list">
            {items.map((task) => (
              <TaskCard
                key={task.id}
                task={task}
                onDone={() => {
                  setDone(true);
                  list.reload();
                }}
              />
            ))}
          </ul>
        )}
      </ListBody>
    </section>
  );
}
