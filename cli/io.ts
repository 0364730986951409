// Where the CLI writes: results to stdout, progress and errors to stderr. Injected so tests capture both.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: progress may redraw one live line. */
  readonly isTTY: boolean;
  /** Read all of standard input (for `-` as a file argument). */
  readStdin(): Promise<string>;
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

/** An in-memory CliIo for tests. */
export function memoryIo(stdin = ""): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    isTTY: false,
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    readStdin: async () => stdin,
  };
  return io;
}
