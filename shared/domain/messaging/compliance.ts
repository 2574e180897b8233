import { escapeHtml } from './template-language';
import type { MessageLinks } from './links';
import type { RenderedContent } from './templates';

/**
 * What the send adds to a rendered message. Every marketing e-mail gets a one-click unsubscribe
 * link: the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058) and a footer link (unless
 * the template already shows `{{ unsubscribe.url }}`); every marketing SMS an opt-out text. E-mails
 * also get the hidden preheader, click-tracking redirects on their http(s) links and an open pixel
 * when tracking is on. Pure.
 */
export interface FinalEmail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

const unescapeAttr = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

function beforeBodyEnd(html: string, insert: string): string {
  const i = html.search(/<\/body\s*>/i);
  return i < 0 ? `${html}${insert}` : `${html.slice(0, i)}${insert}${html.slice(i)}`;
}

function afterBodyStart(html: string, insert: string): string {
  const m = /<body[^>]*>/i.exec(html);
  return m ? `${html.slice(0, m.index + m[0].length)}${insert}${html.slice(m.index + m[0].length)}` : `${insert}${html}`;
}

/** Rewrites `href="http(s)://…"` of anchors to the click redirect (the unsubscribe link excepted). */
export function trackClicks(html: string, links: MessageLinks): string {
  return html.replace(/(<a\s[^>]*?href\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi, (all, pre: string, q: string, raw: string) => {
    const url = unescapeAttr(raw);
    if (url === links.unsubscribe) return all;
    return `${pre}${q}${escapeHtml(links.click(url))}${q}`;
  });
}

export function finalizeEmail(
  r: RenderedContent,
  opts: { marketing: boolean; links: MessageLinks; brandName: string; trackOpens: boolean; trackClicks: boolean },
): FinalEmail {
  const { links } = opts;
  let html = r.html ?? '';
  let text = r.text ?? '';
  const headers: Record<string, string> = {};
  if (opts.trackClicks) html = trackClicks(html, links);
  if (r.preheader) html = afterBodyStart(html, `<div style="display:none;max-height:0;overflow:hidden;opacity:0">${escapeHtml(r.preheader)}</div>`);
  if (opts.marketing) {
    headers['List-Unsubscribe'] = `<${links.unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    if (!html.includes(escapeHtml(links.unsubscribe))) {
      html = beforeBodyEnd(
        html,
        `<p style="font-size:12px;color:#666666;margin-top:24px">You are receiving this e-mail from ${escapeHtml(opts.brandName)}. <a href="${escapeHtml(links.unsubscribe)}">Unsubscribe</a></p>`,
      );
    }
    if (!text.includes(links.unsubscribe)) text = `${text}\n\n--\nUnsubscribe: ${links.unsubscribe}`;
  }
  if (opts.trackOpens) html = beforeBodyEnd(html, `<img src="${escapeHtml(links.openPixel)}" width="1" height="1" alt="" style="display:none">`);
  return { subject: r.subject ?? '', html, text, headers };
}

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/;

/** The SMS text as sent: a marketing text ends with the opt-out text (the Chinese one for Chinese texts or +86 numbers). */
export function finalizeSms(body: string, opts: { marketing: boolean; to: string; optOutText: string; optOutTextZh: string }): string {
  if (!opts.marketing) return body;
  const zh = CJK.test(body) || opts.to.startsWith('+86');
  const suffix = zh ? opts.optOutTextZh : opts.optOutText;
  if (!suffix || body.includes(suffix)) return body;
  return zh ? `${body}${suffix}` : `${body}\n${suffix}`;
}

/** Inbound SMS keywords: opt-out and opt-back-in (case-insensitive, the whole message). */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'TD', '退订']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES', '订阅']);

export function smsKeyword(body: string): 'stop' | 'start' | undefined {
  const word = body.trim().replace(/[.!。！\s]+$/u, '').toUpperCase();
  if (STOP_WORDS.has(word)) return 'stop';
  if (START_WORDS.has(word)) return 'start';
  return undefined;
}
