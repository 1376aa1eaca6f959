/** A `CliIo` that keeps what `runCli` writes to stdout and stderr, for the CLI tests. */
import type { CliIo } from '../../src/cli/main.js';

export function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}
