/**
 * The only pixi.js classes the canvas uses, imported by name: loading this module lazily
 * (stage.ts) lets the bundler drop the rest of pixi (filters, HTML text, compressed
 * textures...), about 95 kB gzip less than `import('pixi.js')` as a namespace.
 */
export { Application, BitmapText, Container, Graphics, Rectangle, Sprite, Text } from 'pixi.js';
