// Shared React components of Tradeloom's web apps. They use the colour tokens the app's CSS defines
// (bg, surface, surface-2, line, fg, muted, up, down, accent, focus: see apps/portal/src/app/globals.css).
export { Alert, type AlertProps } from './alert';
export { Button, type ButtonProps, type ButtonVariant } from './button';
export { cx } from './cx';
export { Panel, type PanelProps } from './panel';
export { StatusLine } from './status-line';
export { TextField, type TextFieldProps } from './text-field';
