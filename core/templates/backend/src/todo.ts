/**
 * What is still to write. The kit's failure shows this message, naming the file and the method;
 * `grep -rn "todo(" src` lists them all. A finished backend has no call left.
 */
export function todo(file: string, what: string): never {
  throw new Error(`TODO ${file}: ${what}`);
}
