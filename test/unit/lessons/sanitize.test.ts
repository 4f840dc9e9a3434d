/**
 * Lesson prose is Markdown from a file anyone may have written: rendered, it must never
 * run anything. The page renders with its own DOM; here DOMPurify gets a jsdom window.
 */
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { parseLesson } from '../../../src/lessons/parse';
import { createMarkdown, createSanitizer } from '../../../src/ui/course/markdown';
import { LOCALES } from '../../../src/lessons/schema';

const win = new JSDOM('').window;
const render = createMarkdown(win as unknown as Parameters<typeof createMarkdown>[0]);

const HOSTILE = [
  'Hello <script>alert("xss")</script> there.',
  '<img src=x onerror="alert(1)">',
  '<svg onload=alert(1)><circle r=1 /></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '[click me](javascript:alert(1)) and [again](JaVaScRiPt:alert%281%29) and [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[vb](vbscript:msgbox(1))',
  '<a href="javascript:alert(1)">raw link</a>',
  '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
  '<form action="https://evil.example/"><input name=q><button>go</button></form>',
  '![pic](x" onerror="alert(1))',
  '<p>ok</p><math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '```html\n<script>alert(1)</script>\n```',
  '`<img src=x onerror=alert(1)>`',
].join('\n\n');

/** Everything that could run or navigate in what `html` turns into, per a real DOM parser. */
function dangers(html: string): string[] {
  const doc = new JSDOM(`<body>${html}</body>`).window.document;
  const out: string[] = [];
  for (const el of doc.body.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'style', 'svg', 'math', 'base', 'link', 'meta'].includes(tag)) out.push(`<${tag}>`);
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) || a.name === 'style' || a.name === 'formaction') out.push(`${tag}[${a.name}]`);
      if (['href', 'src', 'action', 'xlink:href'].includes(a.name) && /^\s*(javascript|vbscript|data:text)/i.test(a.value)) out.push(`${tag}[${a.name}=${a.value.slice(0, 20)}]`);
    }
  }
  return out;
}

describe('lesson Markdown is rendered sanitized', () => {
  it('keeps the Markdown', () => {
    const html = render('Some **bold**, `code`, a [link](https://www.linuxvirtualserver.org/) and [a lesson](#lesson=lvs-nat&step=2).\n\n- one\n- two');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<a href="https://www.linuxvirtualserver.org/" target="_blank" rel="noopener noreferrer">link</a>');
    expect(html).toContain('<a href="#lesson=lvs-nat&amp;step=2">a lesson</a>');
    expect(html).toContain('<li>one</li>');
  });

  it('a hostile lesson text: nothing runs, nothing navigates to script', () => {
    const html = render(HOSTILE);
    expect(dangers(html)).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    // (Attributes are checked on the parsed DOM by dangers(): in serialized text, a quoted
    // "onerror=" may be the author's words shown as text.)
    // Markdown links to script URLs lose their href (DOMPurify); the text stays.
    expect(html).toContain('<a>click me</a>');
    // Raw HTML is shown as text, so the reader sees what the author wrote.
    expect(html).toContain('&lt;script&gt;alert("xss")&lt;/script&gt;');
  });

  it('the sanitizer alone strips raw hostile HTML (if escaping ever let some through)', () => {
    const sanitize = createSanitizer(win as unknown as Parameters<typeof createSanitizer>[0]);
    const raw = HOSTILE.split('\n\n').filter((x) => x.startsWith('<')).join('\n');
    const html = sanitize(raw);
    expect(dangers(html)).toEqual([]);
    expect(html).toContain('raw link');
    expect(sanitize('<a href="https://x.example/">x</a>')).toBe('<a href="https://x.example/" target="_blank" rel="noopener noreferrer">x</a>');
  });

  it('a hostile lesson file parses, and every text of it renders harmless', () => {
    const body = (loc: string) => `# ${loc}\n\n${HOSTILE}\n\n## step: one\n\n${HOSTILE}\n\n### Task\n\n${HOSTILE}\n\n### Hints\n\n- <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))\n\n`;
    const src = `---
id: hostile
order: 99
level: beginner
title: { en: "<script>alert(1)</script>", zh-CN: "<img src=x onerror=alert(1)>" }
lab: { preset: dr }
steps:
  - id: one
    goal: { ran: { command: "ipvsadm -Ln" } }
    solution: [ { type: "ipvsadm -Ln" } ]
---
${body('en')}${body('zh-CN')}`;
    const r = parseLesson(src);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const loc of LOCALES) {
      const t = r.lesson.text[loc];
      for (const md of [t.intro, t.steps['one']!.body, t.steps['one']!.task, ...t.steps['one']!.hints]) expect(dangers(render(md))).toEqual([]);
    }
    // Titles are shown as text by the components (never as HTML); they stay as written.
    expect(r.lesson.title.en).toBe('<script>alert(1)</script>');
  });
});
