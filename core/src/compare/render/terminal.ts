import type picocolors from 'picocolors';

export { wrap } from '../../util/wrap.js';

/** What a renderer needs of the terminal: its width and the colours the CLI's policy allows. */
export interface Terminal {
  readonly width: number;
  readonly colors: ReturnType<typeof picocolors.createColors>;
}
