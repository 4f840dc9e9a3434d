/**
 * The course's way into the page, loaded with it: the CourseState wired to the page's
 * lab (LabApp) and browser (page-env.ts), and the pane component. Kept out of
 * app-state.svelte.ts so the page's entry holds only the `import()` of this module.
 */
import type { Component } from 'svelte';
import type { LabApp } from '../app-state.svelte';
import { CourseState } from './course.svelte';
import CoursePane from './CoursePane.svelte';
import { pageCourseEnv } from './page-env';

export function attachCourse(app: LabApp): { course: CourseState; pane: Component<{ app: LabApp; course: CourseState }> } {
  const course = new CourseState(
    {
      ctl: app.ctl,
      i18n: app.i18n,
      typeLine: (line) => app.terminal.type(line),
      showTerminal: () => app.setPanel('terminal'),
      saveNow: () => app.saveNow(),
      scheduleSave: () => app.scheduleSave(),
    },
    pageCourseEnv(),
  );
  return { course, pane: CoursePane };
}
