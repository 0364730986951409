// Where the CLI writes: results to stdout, progress and errors to stderr. Injected so tests capture both.
import { createInterface } from "readline";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: progress may redraw one live line. */
  readonly isTTY: boolean;
  /** Read all of standard input (for `-` as a file argument). */
  readStdin(): Promise<string>;
  /**
   * Ask a yes/no question on the terminal (commands only call it when `isTTY`); true for yes.
   * Optional: an io without it cannot confirm, so destructive commands then need `--yes`.
   */
  confirm?(question: string): Promise<boolean>;
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
  confirm: (question) =>
    new Promise<boolean>((resolve) => {
      // The prompt goes to stderr so that stdout stays the command's result.
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      let answered = false;
      rl.on("close", () => answered || resolve(false)); // end of input (Ctrl-D) is a no
      rl.on("SIGINT", () => rl.close()); // so is Ctrl-C at the prompt
      rl.question(`${question} [y/N] `, (answer) => {
        answered = true;
        rl.close();
        resolve(/^y(es)?$/i.test(answer.trim()));
      });
    }),
};

export interface MemoryIoOptions {
  /** Pretend stderr is a terminal (live progress line, confirmations asked). @default false */
  isTTY?: boolean;
  /** Answers to `confirm`, in order; a question beyond them is answered no. */
  answers?: boolean[];
}

/** An in-memory CliIo for tests; `questions` records what `confirm` was asked. */
export function memoryIo(
  stdin = "",
  options: MemoryIoOptions = {},
): CliIo & { out: string; err: string; questions: string[] } {
  const answers = [...(options.answers ?? [])];
  const io = {
    out: "",
    err: "",
    questions: [] as string[],
    isTTY: options.isTTY ?? false,
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    readStdin: async () => stdin,
    confirm: async (question: string) => {
      io.questions.push(question);
      return answers.shift() ?? false;
    },
  };
  return io;
}
