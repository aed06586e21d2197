import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * The bytes the heap holds live: used after a full collection, so garbage counts for nothing.
 * The collection comes without `node --expose-gc`: the flag set at run time gives a new context
 * a global `gc` (made on first use, as only measurements need it; each takes tens of ms).
 */
export function liveHeapBytes(): number {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  return getHeapStatistics().used_heap_size;
}
