// Peer for `npm run bench`: exceljs's streaming workbook reader, rows only (no values parsed).
import ExcelJS from 'exceljs';
let n = 0;
const reader = new ExcelJS.stream.xlsx.WorkbookReader(process.argv[2], { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' });
for await (const sheet of reader) for await (const _ of sheet) n++;
process.stdout.write(`${n}\n`);
