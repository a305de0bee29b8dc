/**
 * Registers /sw.js (a file, not inline: the CSP allows scripts from 'self' only). It keeps the
 * app shell for offline use of the phone app and shows push notifications. A failure only
 * costs those extras; the app works without it.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
