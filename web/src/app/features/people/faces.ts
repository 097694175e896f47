import { HttpErrorResponse } from '@angular/common/http';

export interface PhotoResult {
  name: string;
  state: 'waiting' | 'enrolled' | 'refused' | 'not-sent';
  reason?: string;
}

/**
 * What happened to each photo of an enrolment request. The API refuses the whole request when one photo is bad
 * (422, one detail per bad photo: {image, reason}); the others were not enrolled and can be sent again.
 */
export function photoResults(names: readonly string[], outcome: { ok: true } | { ok: false; error: unknown }): PhotoResult[] {
  if (outcome.ok) return names.map((name) => ({ name, state: 'enrolled' }));
  const refused = new Map<string, string>();
  const err = outcome.error;
  if (err instanceof HttpErrorResponse && err.status === 422) {
    const details = (err.error?.error?.details ?? []) as { image?: string; reason?: string; message?: string }[];
    for (const d of details) {
      if (d.image) refused.set(d.image, d.reason ?? d.message ?? 'refused');
    }
  }
  if (refused.size === 0) return names.map((name) => ({ name, state: 'not-sent' }));
  return names.map((name) =>
    refused.has(name)
      ? { name, state: 'refused', reason: refused.get(name) }
      : { name, state: 'not-sent', reason: 'not enrolled: another photo was refused; send it again' },
  );
}
