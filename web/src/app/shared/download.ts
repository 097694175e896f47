import { HttpResponse } from '@angular/common/http';

/** The file name from Content-Disposition (RFC 6266: filename*=UTF-8''… wins over filename=…), or a fallback. */
export function filenameFrom(disposition: string | null | undefined, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(disposition);
  if (plain) return (plain[2] ?? plain[1]).trim();
  return fallback;
}

/** Save a fetched file (the request carried the bearer header, so a plain link would not do). */
export function saveResponse(response: HttpResponse<Blob | string>, fallbackName: string, type: string): string {
  const name = filenameFrom(response.headers.get('Content-Disposition'), fallbackName);
  const body = response.body;
  const blob = body instanceof Blob ? body : new Blob([body ?? ''], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return name;
}
