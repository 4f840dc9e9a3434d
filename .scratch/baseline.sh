#!/bin/bash
# Build a copy of the tree without the course's entry-side edits, to compare entry sizes.
set -e
rm -rf /tmp/lvs-copy && mkdir /tmp/lvs-copy && cd /work/main && tar --exclude=./node_modules --exclude=./dist --exclude=./.git --exclude=./.scratch -cf - . | (cd /tmp/lvs-copy && tar xf -) && ln -s /work/main/node_modules /tmp/lvs-copy/node_modules
cd /tmp/lvs-copy
echo "with course:"; npx vite build 2>&1 | grep -E "index-.*js"
python3 - <<'EOF'
import re
p='src/ui/app-state.svelte.ts'
s=open(p).read()
a=s.index('  // ------------------------------------------------------------------ course\n')
b=s.index('  // ------------------------------------------------------------------ preferences')
s=s[:a]+s[b:]
for old in ["import type { CourseState } from './course/course.svelte';\n","import type { Component } from 'svelte';\n","import { parseLessonFragment, type LessonLink } from '../share/lesson-link';\n",
 "  /** The course (lessons, ./course), loaded on demand: undefined until first opened. */\n  course: CourseState | undefined = $state.raw(undefined);\n  /** The course pane is shown. */\n  courseOpen = $state(false);\n  coursePane: Component<{ app: LabApp; course: CourseState }> | undefined = $state.raw(undefined);\n",
 "    const lesson = parseLessonFragment(hash);\n    if (lesson) await this.openCourse(lesson);\n",
 "    this.course?.leave(); // the mode buttons are the free lab's\n",
 "    if (this.course?.active) {\n      this.courseOpen = true; // where the message shows\n      return this.course.say('info', 'lesson.noRebuild');\n    }\n",
 "    if (this.course?.active) return this.course.restartStep();\n",
 "    if (this.course?.active) return; // a lesson's lab is not the free lab\n",
 "    if (this.course?.active) return;\n"]:
    assert s.count(old)==1, old
    s=s.replace(old,'')
open(p,'w').write(s)
p='src/ui/App.svelte'
s=open(p).read()
s=s.replace(" onhashchange={() => app.followHash()}","").replace(" class:course-open={app.courseOpen && app.coursePane}","")
a=s.index("    {#if app.courseOpen && app.course"); b=s.index("    <section class=\"canvas\"")
s=s[:a]+s[b:]
s=s.replace(' tabindex="0" id="panel-',' id="panel-')
a=s.index("  .course-open main {"); b=s.index("  @media (max-width: 900px)")
s=s[:a]+s[b:]
a=s.index("    .course-open main,"); b=s.index("  }\n</style>")
s=s[:a]+s[b:]
open(p,'w').write(s)
p='src/ui/Toolbar.svelte'
s=open(p).read(); s=re.sub(r'  <button data-testid="course".*\n\n','',s); open(p,'w').write(s)
for p in ['src/ui/i18n/en.ts','src/ui/i18n/zh-CN.ts']:
    s=open(p).read(); s=re.sub(r"  'toolbar.course': .*\n",'',s); s=re.sub(r"  'course.failed': .*\n",'',s); open(p,'w').write(s)
p='src/ui/lab-controller.svelte.ts'
s=open(p).read()
s=s.replace("this.lineRunner ? this.lineRunner(line) : this.session.terminal(line)","this.session.terminal(line)").replace("    this.lineRunner = undefined;\n","")
a=s.index("  /**\n   * Runs terminal lines instead"); b=s.index("  lineRunner:"); c=s.index("\n",b)
s=s[:a]+s[c+1:]
open(p,'w').write(s)
EOF
grep -c "course" src/ui/app-state.svelte.ts src/ui/App.svelte src/ui/Toolbar.svelte || true
echo "without:"; npx vite build 2>&1 | grep -E "index-.*(js|css)|error"
