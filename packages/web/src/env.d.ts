/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** Vite's `?url` imports give the emitted file's URL. */
declare module '*?url' {
  const url: string;
  export default url;
}
