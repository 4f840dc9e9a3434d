/**
 * The xterm.js glue for the Terminal panel: opens a terminal in an element, passes keys to
 * the TerminalState and its text back, and follows the element's size. Imported only by
 * the lazy Terminal panel, so xterm (~84 kB gzip) loads when the learner opens it.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { TerminalState } from './terminal.svelte';

export function openTerminal(el: HTMLElement, state: TerminalState, opts: { fontSize: number; label: string; banner: string }): () => void {
  const term = new Terminal({
    fontSize: opts.fontSize,
    fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Noto Sans Mono CJK SC', monospace",
    cursorBlink: false,
    convertEol: false,
    scrollback: 2000,
    screenReaderMode: true,
    theme: { background: '#10151d', foreground: '#e8edf3' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  term.textarea?.setAttribute('aria-label', opts.label);
  const fitNow = () => {
    try {
      fit.fit();
    } catch {
      /* not laid out yet */
    }
  };
  fitNow();
  const ro = new ResizeObserver(fitNow);
  ro.observe(el);
  const sub = term.onData((d) => state.input(d));
  state.attach((text) => term.write(text));
  state.start(opts.banner);
  term.focus();
  return () => {
    state.attach(undefined);
    sub.dispose();
    ro.disconnect();
    term.dispose();
  };
}
