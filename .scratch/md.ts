import { JSDOM } from 'jsdom';
import { createMarkdown } from '../src/ui/course/markdown';
const md = createMarkdown(new JSDOM('').window as any);
console.log(md('Hello **x** <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](https://x.org) [c](#lesson=lvs-nat) `code` \n\n<div onclick="x">hi</div>\n\n![i](data:image/png;base64,xx) [d](JaVaScRiPt:alert(1)) [e](vbscript:x)'));
