import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { escapeHtml } from '../domain/messaging/template-language';
import { SECURE_HEADERS } from '../http/problem';
import type { HttpEvent } from '../http/handler';

/**
 * The public pages a customer reaches from a message: the unsubscribe confirmation and its answer
 * (HTML, also for refusals: a person in a browser should not read problem+json), and the open
 * pixel (always the image). The JSON kernel does authentication-free validation and errors; these
 * wrappers only change how a route's answer is rendered.
 */
type Inner = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

export function page(title: string, inner: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #444;background:#222;color:#fff;cursor:pointer}</style></head><body>${inner}</body></html>`;
}

/** Turns the kernel's JSON answer (the page as a JSON string, or a problem) into an HTML page. */
export function htmlAnswer(inner: Inner) {
  return async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const res = await inner(event, context);
    const headers = { ...res.headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP };
    if (res.statusCode === 200 && typeof res.body === 'string') return { ...res, headers, body: JSON.parse(res.body) as string };
    let detail = 'Something went wrong on our side; please try again later.';
    try {
      detail = (JSON.parse(res.body ?? '{}') as { detail?: string }).detail ?? detail;
    } catch {
      /* keep the generic text */
    }
    return { ...res, headers, body: page('Unsubscribe', `<h1>This link did not work</h1><p>${escapeHtml(detail)}</p>`) };
  };
}

export const PIXEL_GIF_BASE64 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** The pixel: a 1×1 transparent GIF, never cached, whatever the kernel answered. */
export function gifAnswer(inner: Inner) {
  return async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const res = await inner(event, context);
    return { statusCode: 200, headers: { ...SECURE_HEADERS, ...(res.headers?.['x-correlation-id'] ? { 'x-correlation-id': String(res.headers['x-correlation-id']) } : {}), 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0' }, body: PIXEL_GIF_BASE64, isBase64Encoded: true };
  };
}

export function unsubscribeConfirmPage(brand: string, channel: string, already: boolean): string {
  const what = channel === 'email' ? 'e-mails' : channel === 'sms' ? 'text messages' : 'messages';
  if (already) return page('Unsubscribed', `<h1>You are unsubscribed</h1><p>You no longer receive marketing ${what} from ${escapeHtml(brand)}.</p>`);
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe</h1><p>Stop receiving marketing ${what} from ${escapeHtml(brand)}?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(brand: string, channel: string): string {
  const what = channel === 'email' ? 'e-mails' : channel === 'sms' ? 'text messages' : 'messages';
  return page('Unsubscribed', `<h1>You are unsubscribed</h1><p>You will no longer receive marketing ${what} from ${escapeHtml(brand)}. Messages about your orders still reach you.</p>`);
}
