/**
 * The package's version, recorded in every analysis (`software.version`). A constant rather
 * than a read of package.json, so the core needs no file system and runs in a browser;
 * tests/package/exports.test.ts checks that it equals package.json's version.
 */
export const VERSION = '0.1.0';
