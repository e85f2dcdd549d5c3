// esbuild bundles imported CSS into admin.css; the import only needs to type-check.
declare module '*.css';
