/** One section of the showcase: it runs until it is done or `signal` (Ctrl-C) aborts. */
export interface Section {
  title: string;
  run(signal: AbortSignal, output: NodeJS.WriteStream): Promise<void>;
}
