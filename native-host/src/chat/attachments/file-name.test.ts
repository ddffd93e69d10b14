import { describe, expect, it } from 'vitest';
import { safeFileName } from './file-name.js';

describe('safeFileName', () => {
  it('keeps ordinary names as they are', () => {
    expect(safeFileName('Holiday photo 2026.jpg')).toBe('Holiday photo 2026.jpg');
    expect(safeFileName('отчёт.pdf')).toBe('отчёт.pdf');
    expect(safeFileName('数据.xlsx')).toBe('数据.xlsx');
  });

  it('keeps only the last path segment', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\bob\\..\\evil.exe')).toBe('evil.exe');
    expect(safeFileName('/')).toBe('file');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('dir/')).toBe('file');
  });

  it('drops control and invisible characters, replaces forbidden ones', () => {
    expect(safeFileName('a\u0000b\nc\u007f.txt')).toBe('abc.txt');
    expect(safeFileName('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('zero\u200bwidth.png')).toBe('zerowidth.png');
    expect(safeFileName('what?<>:"|*.txt')).toBe('what_______.txt');
  });

  it('strips leading dots and trailing dots or spaces; renames reserved device names', () => {
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('report.pdf. . ')).toBe('report.pdf');
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('nul.txt')).toBe('_nul.txt');
    expect(safeFileName('com1.log')).toBe('_com1.log');
    expect(safeFileName('console.log')).toBe('console.log');
  });

  it('caps the UTF-8 length, keeping the extension and whole characters', () => {
    const long = `${'é'.repeat(300)}.jpeg`;
    const safe = safeFileName(long);
    expect(new TextEncoder().encode(safe).length).toBeLessThanOrEqual(255);
    expect(safe.endsWith('é.jpeg')).toBe(true);
    expect(safeFileName('x'.repeat(400)).length).toBe(255);
    expect(safeFileName('🙂'.repeat(100), 10)).toBe('🙂🙂');
  });

  it('never gives an empty name', () => {
    expect(safeFileName('')).toBe('file');
    expect(safeFileName('\u202e\u0001 ')).toBe('file');
  });
});
