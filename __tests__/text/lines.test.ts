import fc from 'fast-check';
import { Readable } from 'node:stream';
import { collect, lines, map, ndjson, pipe, take } from '../../lib/index.js';
import type { Stage } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { spySource } from '../helpers.js';

const scope = useLeakCheck();

/** The contract set feeds numbers: each becomes a chunk of its own line. */
const asChunks = map((n: number) => `${n}\n`);
const overChunks =
  (stage: Stage<string | Uint8Array, unknown>): Stage<number, unknown> =>
  (source, context) =>
    stage(asChunks(source, context), context);

describeContract(
  'lines',
  { build: () => overChunks(lines()), expected: (input) => input.map(String), hasCallback: false },
  scope,
);
describeContract(
  'ndjson',
  { build: () => overChunks(ndjson()), expected: (input) => input, hasCallback: false },
  scope,
);

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('lines', () => {
  it('splits on \\n and \\r\\n, joining lines split across chunks', async () => {
    const chunks = ['one\r', '\ntw', 'o\n\nthr', 'ee\r\nfour'];
    await expect(collect(pipe(chunks, lines()))).resolves.toEqual(['one', 'two', '', 'three', 'four']);
  });

  it('joins a UTF-8 character split across byte chunks', async () => {
    const all = bytes('é€😀\nok\n');
    const chunks = [all.slice(0, 1), all.slice(1, 4), all.slice(4, 7), all.slice(7)];
    await expect(collect(pipe(chunks, lines()))).resolves.toEqual(['é€😀', 'ok']);
  });

  it('yields a last line without a newline, and nothing for an empty input', async () => {
    await expect(collect(pipe(['a\nb'], lines()))).resolves.toEqual(['a', 'b']);
    await expect(collect(pipe([], lines()))).resolves.toEqual([]);
    await expect(collect(pipe([''], lines()))).resolves.toEqual([]);
    await expect(collect(pipe(['\n'], lines()))).resolves.toEqual(['']);
  });

  it('reads a Node Readable of buffers, and a WHATWG stream', async () => {
    const readable = Readable.from([Buffer.from('a\nb'), Buffer.from('c\n')], { objectMode: false });
    await expect(collect(pipe(readable, lines()))).resolves.toEqual(['a', 'bc']);
    const stream = new Response('x\ny\n').body!;
    await expect(collect(pipe(stream, lines()))).resolves.toEqual(['x', 'y']);
  });

  it('fails with a RangeError naming the line when a line is longer than maxLength', async () => {
    const run = collect(pipe(['ab\nabc', 'def\n'], lines({ maxLength: 3 })));
    await expect(run).rejects.toThrow(new RangeError('lines: line 2 is longer than `maxLength` (3)'));
  });

  it('fails on a too-long partial line before reading the rest of it', async () => {
    const source = spySource(['xx', 'xx', 'xx', 'xx', '\n']);
    await expect(collect(pipe(source, lines({ maxLength: 3 })))).rejects.toThrow(RangeError);
    expect(source.log.pulls).toBe(3);
  });

  it('accepts a line of exactly maxLength characters ending in \\r\\n across chunks', async () => {
    await expect(collect(pipe(['abc\r', '\n'], lines({ maxLength: 3 })))).resolves.toEqual(['abc']);
  });

  it('reads one chunk ahead of demand at most', async () => {
    const source = spySource(['a\nb\n', 'c\n', 'd\n']);
    const iterator = pipe(source, lines())[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(source.log.pulls).toBe(1);
    await iterator.next();
    expect(source.log.pulls).toBe(2);
    await iterator.return!();
  });

  it('fails with a TypeError naming a chunk that is neither a string nor bytes', async () => {
    await expect(collect(pipe([42] as never[], lines()))).rejects.toThrow(
      new TypeError('lines: expected string or Uint8Array chunks, got 42'),
    );
  });

  it('returns the source when the consumer stops early', async () => {
    const source = spySource(['a\nb\nc\n', 'd\n']);
    await expect(collect(pipe(source, lines(), take(2)))).resolves.toEqual(['a', 'b']);
    expect(source.log.finalized).toBe(true);
  });

  it.each([
    [{ maxLength: 0 }, RangeError],
    [{ maxLength: 1.5 }, RangeError],
    [{ maxLength: '3' }, TypeError],
  ])('rejects %p naming maxLength', (options, type) => {
    expect(() => lines(options as never)).toThrow(type);
    expect(() => lines(options as never)).toThrow('`maxLength`');
    expect(() => ndjson(options as never)).toThrow('`maxLength`');
  });

  it('yields the lines of text.split(/\\r?\\n/) for any split of any UTF-8 text', async () => {
    const piece = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\n', '\r\n', '\r', '\r\r\n'));
    const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), async (t, cuts, asBytes) => {
        const whole: string | Uint8Array = asBytes ? bytes(t) : t;
        const at = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks = [...at, whole.length].map((end, i) => whole.slice(i === 0 ? 0 : at[i - 1], end));
        const expected = t.split(/\r?\n/);
        if (expected[expected.length - 1] === '') expected.pop();
        expect(await collect(pipe(chunks, lines()))).toEqual(expected);
      }),
    );
  });
});

describe('ndjson', () => {
  it('parses each line, skipping blank ones', async () => {
    const chunks = ['{"a":1}\n\n  \n[2', ',3]\r\n"x"'];
    await expect(collect(pipe(chunks, ndjson()))).resolves.toEqual([{ a: 1 }, [2, 3], 'x']);
  });

  it('fails with a SyntaxError naming the 1-based line, the parser error as its cause', async () => {
    const caught = await collect(pipe(['1\n\n{oops\n3\n'], ndjson())).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(SyntaxError);
    expect((caught as Error).message).toMatch(/^ndjson: line 3 is not valid JSON: /);
    expect((caught as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
