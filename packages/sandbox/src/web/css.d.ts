// esbuild bundles imported CSS into inbox.css; the import only needs to type-check.
declare module '*.css';
