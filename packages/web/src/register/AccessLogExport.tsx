import { truncatedHeader } from '@wachsam/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The CSV export link. A plain link still works without script; with it, the file is fetched
 * here so an export cut at the server's cap (header `X-Wachsam-Truncated`) is said on the page,
 * not only in the file's last line.
 */
export function AccessLogExportLink({ href }: { href: string }) {
  const { t } = useTranslation();
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <p>
        <a
          className="button-link"
          href={href}
          download
          onClick={(e) => {
            e.preventDefault();
            setError(null);
            void download(href).then(setTruncated, () => setError(t('accessLog.exportFailed')));
          }}
        >
          {t('accessLog.csv')}
        </a>
      </p>
      <div role="status">{truncated && <p className="error">{t('accessLog.truncated')}</p>}</div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}

/** Fetch the export, hand it to the browser as a file; resolves to whether it was truncated. */
async function download(href: string): Promise<boolean> {
  const res = await fetch(href, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(String(res.status));
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = 'zugriffsprotokoll.csv';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return res.headers.get(truncatedHeader) === 'true';
}
