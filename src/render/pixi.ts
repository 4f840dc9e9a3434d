/**
 * The only pixi.js pieces the canvas uses. Loading this module lazily (stage.ts) lets the
 * bundler drop the rest of pixi: classes are imported by name (a namespace import keeps
 * every export, ~95 kB gzip more), and the renderer is created with `manageImports: false`
 * so pixi does not pull in its browser defaults (accessibility, DOM overlay, its event
 * system, spritesheets, filters): input is plain DOM events on the canvas (stage.ts).
 */
import 'pixi.js/app';
import 'pixi.js/graphics';
import 'pixi.js/text';
import 'pixi.js/text-bitmap';

export { Application, BitmapText, Container, Graphics, Rectangle, Sprite, Text } from 'pixi.js';
