/**
 * The state name the panels show for an xstate snapshot, apart from statechart-model.ts so
 * the Controls panel (first screen) does not bring the Statecharts panel's layout code. Pure.
 */

/** The active top-level state name of an xstate snapshot value. */
export function topState(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return Object.keys(value)[0] ?? '';
  return '';
}
