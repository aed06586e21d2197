import { type FwErr, fail } from '../ports/result.js';

/** The kernel's errors, as the host subsystems return them (negative errno, as in dmesg). */
export const Errno = {
  EBUSY: '-EBUSY',
  EINVAL: '-EINVAL',
  ENXIO: '-ENXIO',
  ENODEV: '-ENODEV',
  ENOMEM: '-ENOMEM',
  ENOENT: '-ENOENT',
  EIO: '-EIO',
} as const;

export const errno = (code: (typeof Errno)[keyof typeof Errno], detail: string): FwErr => fail(code, detail);
