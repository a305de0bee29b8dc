import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PressDetector } from './gesture.js';

/**
 * The one big button. Press and hold (visible progress) or tap twice; a single short press
 * raises nothing. Space/Enter held on the focused button count as a press too.
 */
export function AlarmButton({ holdMs, onTrigger }: { holdMs: number; onTrigger: () => void }) {
  const { t, i18n } = useTranslation();
  const [progress, setProgress] = useState(0);
  const triggerRef = useRef(onTrigger);
  triggerRef.current = onTrigger;
  const detector = useRef<PressDetector | null>(null);

  useEffect(() => {
    const d = new PressDetector({ holdMs, onTrigger: () => triggerRef.current(), onProgress: setProgress });
    detector.current = d;
    return () => d.dispose();
  }, [holdMs]);

  const seconds = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(holdMs / 1000);
  return (
    <div className="alarm-button-wrap">
      <button
        type="button"
        className="alarm-button"
        aria-describedby="alarm-button-hint"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture?.(e.pointerId);
          detector.current?.press();
        }}
        onPointerUp={() => detector.current?.release()}
        onPointerCancel={() => detector.current?.cancel()}
        onContextMenu={(e) => e.preventDefault()}
        onKeyDown={(e) => {
          if (e.key !== ' ' && e.key !== 'Enter') return;
          e.preventDefault();
          if (!e.repeat) detector.current?.press();
        }}
        onKeyUp={(e) => {
          if (e.key !== ' ' && e.key !== 'Enter') return;
          e.preventDefault();
          detector.current?.release();
        }}
        onBlur={() => detector.current?.cancel()}
      >
        {t('mobile.button')}
      </button>
      <progress className="hold-progress" max={1} value={progress} aria-label={t('mobile.holdProgress')} />
      <p id="alarm-button-hint" className="hint">
        {t('mobile.hint', { seconds })}
      </p>
    </div>
  );
}
