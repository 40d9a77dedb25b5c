// Types of the parts of `stopword` (3.x) that src/feedback/text.ts uses; the package ships none, and
// @types/stopword describes its older 2.x interface.
declare module 'stopword' {
  /** English stopwords, lower case. */
  export const eng: readonly string[];
}
