/**
 * The course's adapters in the page: localStorage, file downloads, the address bar, and
 * Markdown sanitized with the page's own DOM. Node tests pass fakes instead (CourseEnv).
 */
import type { CourseEnv } from './course.svelte';
import { createMarkdown } from './markdown';

export function pageCourseEnv(): CourseEnv {
  let storage: Storage | undefined;
  try {
    storage = globalThis.localStorage;
  } catch {
    storage = undefined;
  }
  return {
    storage,
    download(fileName, text, mime) {
      const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
    },
    replaceHash(fragment) {
      const base = location.pathname + location.search;
      if (location.hash.replace(/^#/, '') !== fragment) history.replaceState(history.state, '', fragment ? `${base}#${fragment}` : base);
    },
    now: () => new Date(),
    markdown: createMarkdown(window),
  };
}
