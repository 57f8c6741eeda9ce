// One Content-Security-Policy for every way the renderer is loaded (the app://
// protocol in Electron, the loopback HTTP server, the meta tag in index.html), so
// the UI is tested in browser mode under the same rules it ships with.

/** The renderer's Content-Security-Policy: only our own scripts, styles and connections. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
