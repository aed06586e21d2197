/** The kernel's errors, negative errno as dmesg prints them. */
export const Errno = { EBUSY: '-EBUSY', EINVAL: '-EINVAL', ENXIO: '-ENXIO', ENODEV: '-ENODEV', ENOENT: '-ENOENT', EIO: '-EIO' } as const;
