import type { z } from 'zod';
import { ApiError, routes, type Routes } from '@wachsam/protocol';

export type RouteName = keyof Routes;
type BodyOf<K extends RouteName> = Routes[K] extends { body: infer B extends z.ZodType } ? z.input<B> : undefined;
type ParamsOf<K extends RouteName> = Routes[K] extends { params: infer P extends z.ZodType } ? z.input<P> : undefined;
type QueryOf<K extends RouteName> = Routes[K] extends { querystring: infer Q extends z.ZodType }
  ? z.input<Q>
  : undefined;
export type ResponseOf<K extends RouteName> = Routes[K]['response'] extends infer R extends z.ZodType
  ? z.output<R>
  : null;

/** Codes of failures that happen before or instead of an API answer. */
export type TransportCode = 'network_error' | 'timeout' | 'invalid_response';

export type ApiFailure = {
  ok: false;
  /** HTTP status, or null when no answer arrived (network error, timeout). */
  status: number | null;
  code: string;
  message: string;
  /**
   * The answer carried a Wachsam `{error: {code}}` body: the server itself said no. False for
   * no answer and for a bare status from something in between (proxy, captive portal; the
   * code is then `http_<status>`). Whether to retry is decided by the protocol's one rule,
   * `isFinalRejection`; without an answer the outcome is unknown (the server may have
   * committed), which is why alarm raises are only ever retried with the same idempotency key.
   */
  fromServer: boolean;
};
export type ApiResult<T> = { ok: true; status: number; data: T } | ApiFailure;

export interface CallOptions<K extends RouteName> {
  params?: ParamsOf<K>;
  query?: QueryOf<K>;
  body?: BodyOf<K>;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Typed HTTP client for the routes in `@wachsam/protocol`: URL, method and schemas come from there. */
export class ApiClient {
  constructor(
    readonly server: string,
    private readonly token: string | null = null,
    private readonly defaultTimeoutMs = 5_000,
  ) {}

  async call<K extends RouteName>(name: K, options: CallOptions<K> = {}): Promise<ApiResult<ResponseOf<K>>> {
    const route = routes[name];
    const url = new URL(fillParams(route.url, options.params as Record<string, string> | undefined), this.server);
    for (const [key, value] of Object.entries((options.query ?? {}) as Record<string, unknown>)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }

    let response: Response;
    try {
      response = await fetch(url, {
        method: route.method,
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? this.defaultTimeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return {
        ok: false,
        status: null,
        code: timedOut ? 'timeout' : 'network_error',
        message: timedOut ? 'Server antwortet nicht' : `Server nicht erreichbar (${describeNetworkError(error)})`,
        fromServer: false,
      };
    }

    const text = await response.text().catch(() => '');
    if (response.status === route.status) {
      if (route.response === null) return { ok: true, status: response.status, data: null as ResponseOf<K> };
      const parsed = route.response.safeParse(parseJson(text));
      if (parsed.success) return { ok: true, status: response.status, data: parsed.data as ResponseOf<K> };
      return {
        ok: false,
        status: response.status,
        code: 'invalid_response',
        message: `Antwort des Servers passt nicht zum Protokoll: ${parsed.error.issues[0]?.message ?? ''}`,
        fromServer: false,
      };
    }
    if (response.ok) {
      // A different 2xx than the route declares (e.g. 200 for a replayed raise): accept the body.
      const parsed = route.response?.safeParse(parseJson(text));
      if (!route.response || parsed?.success) {
        return { ok: true, status: response.status, data: (parsed?.data ?? null) as ResponseOf<K> };
      }
    }
    const apiError = ApiError.safeParse(parseJson(text));
    return {
      ok: false,
      status: response.status,
      code: apiError.success ? apiError.data.error.code : `http_${response.status}`,
      message: apiError.success ? apiError.data.error.message : `HTTP ${response.status}`,
      fromServer: apiError.success,
    };
  }
}

function fillParams(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new Error(`Parameter ${key} fehlt für ${template}`);
    return encodeURIComponent(value);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error.message;
}
