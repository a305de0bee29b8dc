import { createInterface } from 'node:readline/promises';

/** Ctrl+C at a prompt: nothing was created. */
export class Interrupted extends Error {
  constructor() {
    super('Abgebrochen / cancelled');
  }
}

/**
 * Questions on a terminal. Hidden answers (passwords) are read in raw mode and never echoed, not
 * even as asterisks; without a terminal there are no questions at all: the caller takes flags
 * and environment variables and says what is missing.
 */
export class Prompter {
  constructor(
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly output: NodeJS.WriteStream = process.stdout,
  ) {}

  get interactive(): boolean {
    return Boolean(this.input.isTTY && this.output.isTTY);
  }

  async ask(question: string, fallback = ''): Promise<string> {
    const rl = createInterface({ input: this.input, output: this.output });
    const onSigint = () => rl.close();
    rl.on('SIGINT', onSigint);
    try {
      const closed = new Promise<never>((_, reject) => rl.once('close', () => reject(new Interrupted())));
      const answer = await Promise.race([
        rl.question(fallback ? `${question} [${fallback}]: ` : `${question}: `),
        closed,
      ]);
      return answer.trim() || fallback;
    } finally {
      rl.off('SIGINT', onSigint);
      rl.close();
    }
  }

  askHidden(question: string): Promise<string> {
    const { input, output } = this;
    output.write(`${question}: `);
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    return new Promise((resolve, reject) => {
      let value = '';
      const finish = () => {
        input.off('data', onData);
        input.setRawMode(false);
        input.pause();
        output.write('\n');
      };
      const onData = (chunk: string) => {
        const chars = [...chunk];
        for (const [i, ch] of chars.entries()) {
          if (ch === '\r' || ch === '\n') {
            finish();
            // Pasted ahead (the repetition, the next answer): left for the next question.
            const rest = chars.slice(i + 1).join('');
            if (rest) input.unshift(Buffer.from(rest));
            return resolve(value);
          }
          if (ch === '\u0003' || ch === '\u0004') {
            finish();
            return reject(new Interrupted());
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else if (ch >= ' ') value += ch;
        }
      };
      input.on('data', onData);
    });
  }

  /** Ask until the answer passes `check` (which returns an error message or null). */
  async until(ask: () => Promise<string>, check: (v: string) => string | null): Promise<string> {
    for (;;) {
      const value = await ask();
      const problem = check(value);
      if (!problem) return value;
      this.output.write(`  ${problem}\n`);
    }
  }
}

/** Everything piped into stdin, as lines (for `--password-stdin`). */
export async function stdinLines(input: NodeJS.ReadStream = process.stdin): Promise<string[]> {
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) text += String(chunk);
  return text.split(/\r?\n/);
}
