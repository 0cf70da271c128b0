/**
 * `baseerat report weekly|monthly --period YYYY-Www|YYYY-MM [--district D] [--lang en|ur]
 * [--format pdf,html,xlsx,json] --out DIR`: a report of the store written to DIR (a thin layer over
 * server/report). `--archive DIR` files it in a report archive instead (as `serve` does).
 */
import type { Command } from 'commander';
import { BaseeratError, ClassificationSchema } from '@baseerat/engine';
import { loadGeography } from '../../reference/geography.js';
import { ReportArchive } from '../../report/archive.js';
import { REPORT_LANGUAGES, SECTION_IDS, type ReportLanguage, type SectionId } from '../../report/model.js';
import { generateReport, parseFormats } from '../../report/report-service.js';
import { withStore } from '../services.js';

interface ReportFlags {
  db?: string; period: string; province?: string; district?: string; lang: string; format: string; out?: string; archive?: string;
  maxClassification?: string; by?: string; quiet?: boolean; sections?: string;
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('Weekly security brief or monthly threat assessment as PDF, HTML and an XLSX annex (docs/reports.md)');
  for (const template of ['weekly', 'monthly', 'custom'] as const) {
    report.command(template)
      .description(template === 'weekly' ? 'Weekly security brief for an ISO week (--period 2024-W23)' : template === 'monthly' ? 'Monthly threat assessment for a month (--period 2024-06)' : `A report of chosen sections (--sections ${SECTION_IDS.join(',')}) for a month or an ISO week`)
      .requiredOption('--period <period>', template === 'weekly' ? 'ISO week YYYY-Www (Pakistan time)' : template === 'monthly' ? 'month YYYY-MM (Pakistan time)' : 'YYYY-MM or YYYY-Www')
      .option('--sections <list>', 'custom reports: comma-separated sections (summary and methods are always in)')
      .option('--db <path>', 'store file (default $BASEERAT_DB or ./data/baseerat.duckdb)')
      .option('--province <name>', 'province (default Balochistan)')
      .option('--district <name>', 'district edition: only this district\'s incidents')
      .option('--lang <lang>', 'en or ur', 'en')
      .option('--format <list>', 'comma-separated: pdf, html, xlsx, json', 'pdf,html,xlsx')
      .option('--out <dir>', 'write the files here')
      .option('--archive <dir>', 'file the report in this archive instead (the one serve --reports-dir uses)')
      .option('--max-classification <level>', 'read no incident above this level (the reader\'s clearance)')
      .option('--by <name>', 'who generated it (default $USER)')
      .option('-q, --quiet', 'print only the file paths')
      .action(async (o: ReportFlags) => {
        if (!(REPORT_LANGUAGES as readonly string[]).includes(o.lang)) throw new BaseeratError('VALIDATION', `--lang must be en or ur, got ${JSON.stringify(o.lang)}`, { field: 'lang' });
        if ((o.out === undefined) === (o.archive === undefined)) throw new BaseeratError('VALIDATION', 'give exactly one of --out DIR and --archive DIR', { field: 'out' });
        const max = o.maxClassification === undefined ? undefined : ClassificationSchema.safeParse(o.maxClassification.toUpperCase());
        if (max !== undefined && !max.success) throw new BaseeratError('VALIDATION', `--max-classification ${JSON.stringify(o.maxClassification)} is not a classification level`, { field: 'maxClassification' });
        const formats = parseFormats(o.format);
        const sections = o.sections === undefined ? undefined : o.sections.split(',').map((x) => x.trim()).filter((x) => x !== '');
        for (const x of sections ?? []) if (!(SECTION_IDS as readonly string[]).includes(x)) throw new BaseeratError('VALIDATION', `section ${JSON.stringify(x)} is not one of ${SECTION_IDS.join(', ')}`, { field: 'sections' });
        if (sections !== undefined && template !== 'custom') throw new BaseeratError('VALIDATION', '--sections is for `report custom`', { field: 'sections' });
        const archive = o.archive === undefined ? undefined : await ReportArchive.open(o.archive);
        try {
          const r = await withStore(o.db, (store) => generateReport({ store, geography: loadGeography() }, {
            template, period: o.period, lang: o.lang as ReportLanguage, formats, now: new Date(), generatedBy: o.by ?? `cli:${process.env.USER ?? 'unknown'}`,
            ...(o.province === undefined ? {} : { province: o.province }),
            ...(o.district === undefined ? {} : { district: o.district }),
            ...(sections === undefined ? {} : { sections: sections as SectionId[] }),
            ...(max?.success === true ? { maxClassification: max.data } : {}),
            ...(o.out === undefined ? {} : { outDir: o.out }),
            ...(archive === undefined ? {} : { archive }),
          }));
          if (o.quiet !== true) {
            console.error(`${r.model.title} [${r.model.classification}]`);
            console.error(`model ${(r.timings.model ?? 0).toFixed(0)} ms; ${formats.map((f) => `${f} ${(r.timings[f] ?? 0).toFixed(0)} ms`).join(', ')}${r.archived === undefined ? '' : `; archived as ${r.id}`}`);
          }
          for (const f of formats) console.log(r.files[f]);
        } finally {
          await archive?.close();
        }
      });
  }
}
