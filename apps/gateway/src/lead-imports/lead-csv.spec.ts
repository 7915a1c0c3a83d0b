import type { LeadView } from '@crm/contracts';
import { csvCell, csvHeader, csvRows, LEAD_EXPORT_COLUMNS } from './lead-csv';

describe('lead CSV (GET /leads/export)', () => {
  it('quotes per RFC 4180: commas, quotes and line breaks inside quotes, quotes doubled', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Doe, Jane')).toBe('"Doe, Jane"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-3)).toBe('-3');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+49 30 1234')).toBe("'+49 30 1234");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
  });

  it('writes a header of the §5 lead fields and one CRLF-terminated row per lead', () => {
    expect(csvHeader()).toBe(`${LEAD_EXPORT_COLUMNS.join(',')}\r\n`);
    const lead = { id: 'l1', email: 'a@b.example', intent_summary: { research: 1, b2b: 0, co_creation: 0 } };
    const [row] = csvRows([lead as unknown as LeadView]).split('\r\n');
    const cells = row.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    expect(cells).toHaveLength(LEAD_EXPORT_COLUMNS.length);
    expect(cells[0]).toBe('l1');
    expect(cells[LEAD_EXPORT_COLUMNS.indexOf('intent_summary')]).toBe(
      '"{""research"":1,""b2b"":0,""co_creation"":0}"',
    );
  });
});
