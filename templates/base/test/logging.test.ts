import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { requestLogger } from '../src/core/http.js';
import { createLogger } from '../src/logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    stream,
    lines: () =>
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('logging', () => {
  it('writes JSON lines with credentials redacted', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ level: 'info' }, stream);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer secret-token', cookie: 'refresh_token=abc' } },
        body: { username: 'a', password: 'hunter22' },
      },
      'login',
    );
    const [line] = lines();
    expect(line).toMatchObject({ msg: 'login', level: 30 });
    const text = JSON.stringify(line);
    for (const secret of ['secret-token', 'refresh_token=abc', 'hunter22']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it("a request's logger stamps every line with the request id", () => {
    const { stream, lines } = capture();
    requestLogger(createLogger({ level: 'info' }, stream), 'req-42').warn({ detail: 1 }, 'slow');
    expect(lines()[0]).toMatchObject({ reqId: 'req-42', msg: 'slow', detail: 1 });
  });
});
