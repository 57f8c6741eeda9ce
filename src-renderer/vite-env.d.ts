// Lets TypeScript accept the CSS import vite bundles.
/// <reference types="vite/client" />
