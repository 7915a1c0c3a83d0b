import { escapeHtml, placeholdersOf, renderEmail } from './render-email';

describe('renderEmail', () => {
  const content = {
    subject: '{FIRST_NAME}, book with {COMPANY_NAME}',
    html: '<p>Hi {FIRST_NAME},</p><p><a href="{BOOKING_LINK}">Book</a></p><style>p { color: red }</style>',
    text: null,
  };

  it('fills placeholders HTML-escaped in the HTML, as they are in the subject', () => {
    const rendered = renderEmail(content, {
      FIRST_NAME: 'Jane <script>"x"</script> & Co',
      COMPANY_NAME: "O'Neil & Sons",
      BOOKING_LINK: 'https://book.example.com/?a=1&b=2',
    });
    expect(rendered.subject).toBe(`Jane <script>"x"</script> & Co, book with O'Neil & Sons`);
    expect(rendered.html).toBe(
      '<p>Hi Jane &lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp; Co,</p>' +
        '<p><a href="https://book.example.com/?a=1&amp;b=2">Book</a></p><style>p { color: red }</style>',
    );
    expect(rendered.missing).toEqual([]);
  });

  it('derives the text part from the rendered HTML, values plain and the link address kept', () => {
    const rendered = renderEmail(content, {
      FIRST_NAME: 'Jane & Joe',
      COMPANY_NAME: 'Acme',
      BOOKING_LINK: 'https://book.example.com/x',
    });
    expect(rendered.text).toContain('Hi Jane & Joe,');
    expect(rendered.text).toContain('Book [https://book.example.com/x]');
    expect(rendered.text).not.toContain('<p>');
    expect(rendered.text).not.toContain('&amp;');
  });

  it('fills a given text part plainly, not escaped', () => {
    const rendered = renderEmail(
      { ...content, text: 'Hi {FIRST_NAME}: {BOOKING_LINK}' },
      {
        FIRST_NAME: '<Jane>',
        BOOKING_LINK: 'https://x.example/?a&b',
      },
    );
    expect(rendered.text).toBe('Hi <Jane>: https://x.example/?a&b');
  });

  it('renders a placeholder without a variable (or null) empty, reports it, and keeps the subject one line', () => {
    const rendered = renderEmail(
      { subject: 'Hello {FIRST_NAME}{LAST_NAME}', html: '<p>{FIRST_NAME} {DEAL_VALUE}</p>', text: null },
      { FIRST_NAME: 'Jane\r\nBcc: evil@example.com', LAST_NAME: null, DEAL_VALUE: 1200 },
    );
    expect(rendered.subject).toBe('Hello Jane Bcc: evil@example.com');
    expect(rendered.html).toBe('<p>Jane\r\nBcc: evil@example.com 1200</p>');
    expect(renderEmail({ subject: '{X}', html: '{Y}', text: null }).missing).toEqual(['X', 'Y']);
  });

  it('lists the placeholders a template uses, leaving lower-case braces and CSS alone', () => {
    expect(placeholdersOf('{B} {A}', '<p>{A} {lower} {C_1}</p> p { color: red }', null)).toEqual([
      'A',
      'B',
      'C_1',
    ]);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
