import type { RouteDef } from '@wachsam/protocol';
import { useCallback, useEffect, useState } from 'react';
import { call, messageOf, type CallOptions, type ResponseOf } from '../api/http.js';

export interface ListState<T> {
  data: T | null;
  error: string | null;
  reload: () => void;
}

/** Loads a GET route and reloads it on demand (after a change). */
export function useList<R extends RouteDef>(route: R, options?: CallOptions<R>): ListState<ResponseOf<R>> {
  const [data, setData] = useState<ResponseOf<R> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const optionsKey = JSON.stringify(options ?? {});

  useEffect(() => {
    const abort = new AbortController();
    const opts = { ...(JSON.parse(optionsKey) as CallOptions<R>), signal: abort.signal };
    call(route, opts).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (err: unknown) => {
        if (!abort.signal.aborted) setError(messageOf(err));
      },
    );
    return () => abort.abort();
  }, [route, optionsKey, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload };
}
