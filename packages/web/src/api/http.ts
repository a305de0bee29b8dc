import { ApiError, type ErrorCode, type RouteDef } from '@wachsam/protocol';

// Inferred from the route's zod schemas (their `_output` / `_input` type members), so the web
// app needs no zod import of its own and nothing is declared twice.
/** The parsed success body of a route: `undefined` for 204 routes. */
export type ResponseOf<R extends RouteDef> = R['response'] extends { _output: infer O } ? O : undefined;
/** What the server accepts as body (zod input: defaults may be left out). */
export type BodyOf<R extends RouteDef> = R['body'] extends { _input: infer I } ? I : never;

export interface CallOptions<R extends RouteDef> {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: BodyOf<R>;
  /** A file sent as the raw request body with its own content type (evidence uploads). */
  file?: Blob;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * A failed call. `code` is the stable protocol code (or `network_error` when no answer
 * arrived: the request may or may not have reached the server), `message` is the server's
 * German text, ready to show to the user.
 */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error' | 'bad_response',
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'RequestError';
  }

  /**
   * The Wachsam server answered in its own words (an `{error:{code}}` body). A bare status from a
   * proxy or captive portal in between (`bad_response`) or no answer at all (`network_error`)
   * says nothing about what the server did.
   */
  get fromServer(): boolean {
    return this.code !== 'network_error' && this.code !== 'bad_response';
  }
}

/** A failed call as the protocol's retry rule (`isFinalRejection`) reads it. */
export function answerOf(err: unknown): { status: number | null; fromServer: boolean } {
  if (!(err instanceof RequestError) || err.status === 0) return { status: null, fromServer: false };
  return { status: err.status, fromServer: err.fromServer };
}

/** `/api/alarms/:id/respond` + {id} → `/api/alarms/<id>/respond`, with every segment encoded. */
export function buildUrl(
  template: string,
  params: Record<string, string> = {},
  query: Record<string, string | number | undefined> = {},
): string {
  const path = template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Parameter ${name} fehlt für ${template}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Listeners told when the server says the session is gone, so the app can show the login. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

async function readError(res: Response): Promise<RequestError> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = ApiError.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { code, message, issues } = parsed.data.error;
      return new RequestError(res.status, code, message, issues ?? []);
    }
  } catch {
    // not JSON: fall through to a generic message
  }
  return new RequestError(res.status, 'bad_response', `Unerwartete Antwort des Servers (HTTP ${res.status})`);
}

/**
 * Calls one route of the protocol's route table and returns the body parsed with the route's
 * own response schema, so a server that drifts from the contract fails loudly here instead of
 * showing half an alarm.
 */
export async function call<R extends RouteDef>(route: R, options: CallOptions<R> = {}): Promise<ResponseOf<R>> {
  const url = buildUrl(route.url, options.params, options.query);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const init: RequestInit = { method: route.method, headers, credentials: 'same-origin' };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  } else if (options.file) {
    headers['content-type'] = options.file.type || 'application/octet-stream';
    init.body = options.file;
  } else if (route.method !== 'GET') {
    // The server takes a state-changing request with the session cookie only as JSON, even
    // without a body (cancel, logout): another site's page cannot send that type unasked.
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new RequestError(0, 'network_error', 'Keine Verbindung zum Server');
  }
  if (!res.ok) {
    const error = await readError(res);
    if (res.status === 401 && route.auth.kind !== 'public') for (const listener of unauthenticatedListeners) listener();
    throw error;
  }
  if (route.response === null || res.status === 204) return undefined as ResponseOf<R>;
  const parsed = route.response.safeParse(await res.json());
  if (!parsed.success) {
    throw new RequestError(res.status, 'bad_response', 'Die Antwort des Servers passt nicht zum Protokoll');
  }
  return parsed.data as ResponseOf<R>;
}

/**
 * A route that answers with a file (PDF, CSV, JSON export) fetched as a Blob, for routes a
 * plain link cannot reach (POST with a body). Errors come back as RequestError like `call`.
 */
export async function fetchFile<R extends RouteDef>(route: R, options: CallOptions<R> = {}): Promise<Blob> {
  const headers: Record<string, string> = { ...options.headers };
  const init: RequestInit = { method: route.method, headers, credentials: 'same-origin' };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  } else if (route.method !== 'GET') headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(buildUrl(route.url, options.params, options.query), init);
  } catch {
    throw new RequestError(0, 'network_error', 'Keine Verbindung zum Server');
  }
  if (!res.ok) throw await readError(res);
  return res.blob();
}

/** Hands a fetched file to the browser's download, under `filename`. */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The message to show for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof RequestError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
