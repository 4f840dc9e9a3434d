/**
 * Lesson prose → safe HTML: Markdown rendered by marked, then sanitized by DOMPurify.
 * A lesson file may come from anyone (a teacher's download, a colleague's pull request),
 * so nothing it says may run: no <script>, no event handler attributes, no `javascript:`
 * or `data:` links, no styles, no forms or frames. Links to other sites open in a new tab
 * without an opener; `#lesson=…` links stay in the page.
 *
 * DOMPurify needs a DOM: the page passes its `window`, Node tests a jsdom window.
 */
import { Marked } from 'marked';
import createDOMPurify, { type Config, type WindowLike } from 'dompurify';

export type RenderMarkdown = (markdown: string) => string;

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math', 'base', 'link', 'meta'],
  FORBID_ATTR: ['style', 'id', 'name', 'srcset', 'formaction'],
  // http(s), mailto and in-page fragments only (DOMPurify's default also lets through other schemes).
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  ALLOW_DATA_ATTR: false,
};

export function createMarkdown(win: WindowLike): RenderMarkdown {
  const sanitize = createSanitizer(win);
  // Raw HTML in a lesson is shown as text, not parsed: lessons are Markdown.
  const marked = new Marked({ gfm: true, breaks: false, async: false });
  marked.use({
    renderer: {
      html: ({ text }) => escapeHtml(text),
    },
  });
  return (markdown) => sanitize(marked.parse(markdown, { async: false }));
}

/** HTML → HTML with nothing that runs or navigates to script (the second line of defence, after escaping raw HTML). */
export function createSanitizer(win: WindowLike): (html: string) => string {
  const purify = createDOMPurify(win);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName !== 'A') return;
    const href = node.getAttribute('href') ?? '';
    if (/^https?:/i.test(href)) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    } else node.removeAttribute('target');
  });
  return (html) => purify.sanitize(html, CONFIG);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
