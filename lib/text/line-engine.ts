import { SourceEngine } from '../core/engine.js';
import { describe } from '../util/validate.js';

/** What a line becomes: the value to yield, or SKIP (ndjson's blank lines); a throw fails the stage. */
export type LineParser<O> = (line: string, lineNumber: number) => O | typeof SKIP;
export const SKIP: unique symbol = Symbol('skip');

const RETURN = 13;

/**
 * Splits `string | Uint8Array` chunks into lines for `lines` and `ndjson`. It holds the chunk being
 * split and at most one partial line, and pulls the next chunk only once the current one is used
 * up and a reader waits: one chunk ahead of demand at most. Bytes are decoded as UTF-8 in streaming
 * mode, so a character split across chunks is joined; a line is cut at `\n`, and a `\r` before it
 * is dropped. A line (or a partial one) longer than `maxLength` fails the stage with a `RangeError`
 * at once, so one endless line cannot grow memory without bound.
 */
export class LineEngine<O> extends SourceEngine<string | Uint8Array, O> {
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  private text: string | undefined;
  private pos = 0;
  private partial = '';
  private lineNumber = 0;
  private flushed = false;

  constructor(
    source: AsyncIterable<string | Uint8Array>,
    signal: AbortSignal,
    label: string,
    private readonly maxLength: number,
    private readonly parse: LineParser<O>,
  ) {
    super(source, signal, label);
  }

  protected open(): void {}

  onItem(chunk: string | Uint8Array): void {
    if (typeof chunk === 'string') this.text = chunk;
    else if (chunk instanceof Uint8Array) {
      this.decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
      this.text = this.decoder.decode(chunk, { stream: true });
    } else
      return this.fail(
        new TypeError(`${this.label}: expected string or Uint8Array chunks, got ${describe(chunk)}`),
      );
    this.pos = 0;
    this.serve();
  }

  protected serve(): void {
    while (this.outlet.waiting && !this.closed) {
      const text = this.text;
      if (text !== undefined) {
        const at = text.indexOf('\n', this.pos);
        if (at < 0) {
          this.partial = this.partial === '' ? text.slice(this.pos) : this.partial + text.slice(this.pos);
          this.text = undefined;
          // One character more than maxLength may be the `\r` of a `\r\n` still to come.
          if (this.partial.length > this.maxLength + 1) return this.tooLong(this.lineNumber + 1);
          continue;
        }
        let line: string;
        if (this.partial === '') {
          const end = at > this.pos && text.charCodeAt(at - 1) === RETURN ? at - 1 : at;
          line = text.slice(this.pos, end);
        } else {
          line = this.partial + text.slice(this.pos, at);
          this.partial = '';
          if (line.charCodeAt(line.length - 1) === RETURN) line = line.slice(0, -1);
        }
        this.pos = at + 1;
        this.emit(line);
      } else if (this.ended || this.failure !== undefined) {
        if (!this.flush()) this.endLikeSource();
      } else return this.inlet.pull();
    }
  }

  /** The source ended: the last line without a newline, once. False when nothing was left. */
  private flush(): boolean {
    if (this.flushed || this.failure !== undefined) return false;
    this.flushed = true;
    // The decoder's last word is at most a replacement character, never a newline.
    const rest = this.partial + (this.decoder?.decode() ?? '');
    this.partial = '';
    if (rest === '') return false;
    this.emit(rest);
    return true;
  }

  private emit(line: string): void {
    const lineNumber = ++this.lineNumber;
    if (line.length > this.maxLength) return this.tooLong(lineNumber);
    let out: O | typeof SKIP;
    try {
      out = this.parse(line, lineNumber);
    } catch (error) {
      return this.fail(error);
    }
    if (out !== SKIP) this.outlet.push(out);
  }

  private tooLong(lineNumber: number): void {
    this.fail(
      new RangeError(`${this.label}: line ${lineNumber} is longer than \`maxLength\` (${this.maxLength})`),
    );
  }

  private fail(error: unknown): void {
    void this.close({ kind: 'error', error });
  }

  protected drop(): void {
    this.text = undefined;
    this.partial = '';
  }
}
