import { escapeHtml, MAX_SHOWN, safeText } from '../../../src/log/escape.js'

describe('safeText: outside text can never start a workflow command or a new log line', () => {
  test.each([
    ['line feed then a command', 'ci\n::warning::x', 'ci\\x0a:\u200b:warning:\u200b:x'],
    ['carriage return', 'a\rb', 'a\\x0db'],
    ['add-mask at the start', '::add-mask::secret', ':\u200b:add-mask:\u200b:secret'],
    ['stop-commands', '::stop-commands::tok', ':\u200b:stop-commands:\u200b:tok'],
    ['legacy ##[ prefix', '##[error]boom', '#\u200b#[error]boom'],
    ['ANSI colour dropped', '\u001b[31mred\u001b[0m', 'red'],
    ['NUL and DEL', 'a\u0000b\u007f', 'a\\x00b\\x7f'],
    ['Unicode line separator', 'a\u2028b', 'a\\u2028b'],
    ['plain text kept', 'us.icr.io', 'us.icr.io'],
    ['a command with properties', '::error file=x::y', ':\u200b:error file=x:\u200b:y'],
    ['one :: (an ARN) cannot make a command and is kept', 'acs:ram::1357924680135792:role/ci', 'acs:ram::1357924680135792:role/ci']
  ])('%s', (_name, input, expected) => {
    const out = safeText(input)
    expect(out).toBe(expected)
    expect(out).not.toMatch(/[\n\r]/)
    if (input.split('::').length > 2) expect(out).not.toContain('::')
  })

  test('a long value is cut and says how long it was', () => {
    const out = safeText('x'.repeat(120_000))
    expect(out.startsWith('x'.repeat(MAX_SHOWN))).toBe(true)
    expect(out).toContain('(120000 characters, cut)')
    expect(out.length).toBeLessThan(MAX_SHOWN + 40)
  })

  test('escapeHtml escapes markup after making the text safe', () => {
    expect(escapeHtml('<img src=x onerror="a&b">\n::x')).toBe('&lt;img src=x onerror=&quot;a&amp;b&quot;&gt;\\x0a:\u200b:x')
  })

  test.each([
    ['a command at the start is broken', '::warning::x', ':\u200b:warning:\u200b:x'],
    ['after blanks too', '  ::add-mask::x', '  :\u200b:add-mask:\u200b:x'],
    ['a lone :: at the start', '::1 is the IPv6 loopback', ':\u200b:1 is the IPv6 loopback'],
    ['legacy ##[ at the start', '##[error]x', '#\u200b#[error]x'],
    [
      'inside the line it cannot act and stays',
      "Check 'role-arn' (acs:ram::1:role/a), not acs:ram::2:role/b",
      "Check 'role-arn' (acs:ram::1:role/a), not acs:ram::2:role/b"
    ],
    ['line breaks shown', 'a\n::warning::b', 'a\\x0a:\u200b:warning:\u200b:b']
  ])('a whole line: %s', (_name, input, expected) => {
    expect(safeText(input, 1000)).toBe(expected)
  })
})
