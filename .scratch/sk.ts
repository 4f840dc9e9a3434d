import { LabSession } from '../src/core/session';
import { Shell } from '../src/core/shell/shell';
import { drPreset } from '../src/core/scenario/presets';
import { lessonSkeleton } from '../src/ui/course/skeleton';
const s = new LabSession(drPreset(), { shell: (l) => new Shell(l) });
s.advance(2_000_000); s.terminal('ipvsadm -Ln'); s.apply({ type: 'power', node: 'rs3', on: false });
console.log(lessonSkeleton(s.toState()).text);
