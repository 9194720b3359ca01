// Where a command writes its output and its errors: the process's stdout and stderr, or a spec's capture.

export interface Io {
  readonly out: (s: string) => void
  readonly err: (s: string) => void
}

export const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }
