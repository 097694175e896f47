import { HttpErrorResponse } from '@angular/common/http';

interface ErrorItem {
  field?: string;
  message?: string;
}
interface ErrorBody {
  error?: { code?: string; message?: string; details?: ErrorItem[] };
}

function parseBody(raw: unknown): ErrorBody | null {
  if (raw && typeof raw === 'object') return raw as ErrorBody;
  if (typeof raw === 'string' && raw.trim().startsWith('{')) {
    try {
      return JSON.parse(raw) as ErrorBody;
    } catch {
      return null;
    }
  }
  return null;
}

function fieldName(field: string | undefined): string {
  return (field ?? '').replace(/^(body|query|path|form)\./, '');
}

/**
 * The API's one error shape is {"error": {"code", "message", "details": [{field, message}]}}: show the message,
 * plus the details it does not already mention (a 422 lists every invalid field). Never a raw HTTP dump.
 */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof HttpErrorResponse) {
    if (err.status === 0) return 'Cannot reach the server. Check the network and try again.';
    const body = parseBody(err.error);
    const message = body?.error?.message;
    if (message) {
      const extra = (body?.error?.details ?? [])
        .filter((d) => d.message && !message.includes(d.message))
        .map((d) => (d.field ? `${fieldName(d.field)}: ${d.message}` : d.message));
      return extra.length ? `${message}; ${extra.join('; ')}` : message;
    }
    if (err.status === 401) return 'Your session has ended. Log in again.';
    if (err.status === 403) return 'You do not have permission to do this.';
    if (err.status === 404) return 'Not found.';
    if (err.status >= 500) return `The server had a problem (${err.status}). Try again in a moment.`;
    return `The request failed (${err.status}${err.statusText ? ' ' + err.statusText : ''}).`;
  }
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}

/** Same as apiErrorMessage, for requests made with responseType 'blob' (the error body arrives as a Blob). */
export async function apiErrorMessageAsync(err: unknown): Promise<string> {
  if (err instanceof HttpErrorResponse && err.error instanceof Blob) {
    try {
      const text = await err.error.text();
      return apiErrorMessage(
        new HttpErrorResponse({ error: text, status: err.status, statusText: err.statusText, url: err.url ?? undefined }),
      );
    } catch {
      /* fall through */
    }
  }
  return apiErrorMessage(err);
}

/** The `field` of each 422 detail, without its location prefix, mapped to its message (for inline form errors). */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof HttpErrorResponse && err.status === 422) {
    for (const d of parseBody(err.error)?.error?.details ?? []) {
      if (d.field && d.message) out[fieldName(d.field)] = d.message;
    }
  }
  return out;
}
