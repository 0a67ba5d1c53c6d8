import { redactFullUrl, redactUrl } from './redact-url';

describe('URL redaction', () => {
  it('drops the query string (API keys live there) and fragments', () => {
    expect(redactUrl('https://api.example.com', '/v4/1/2/3.png?access_token=pk.SECRET')).toBe(
      'https://api.example.com/v4/1/2/3.png',
    );
    expect(redactUrl('http://127.0.0.1:4200', '/a/b#frag')).toBe('http://127.0.0.1:4200/a/b');
    expect(redactUrl('http://127.0.0.1:4200', '/plain.png')).toBe('http://127.0.0.1:4200/plain.png');
  });

  it('drops user info from whole URLs', () => {
    expect(redactFullUrl('https://user:pass@example.com/x?y=1')).toBe('https://example.com/x');
  });
});
