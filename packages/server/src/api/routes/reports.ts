/**
 * Reports: list the archive (only the reports the user may read), generate one (Cedar
 * `generateReport` on the report's label: the highest classification it read and its districts),
 * and open one as the model JSON or a file (`/api/reports/:id.pdf|.xlsx|.html|.json`). Reading a
 * report is `runAnalysis` on its label, so clearance and region decide distribution: a district
 * officer reads their district's editions, not the province's. Generating and every opening are
 * audited (report.generate, data.read) and recorded in the archive. Without `reportsDir` the
 * routes answer 404 problem+json.
 */
import { BaseeratError, ClassificationSchema } from '@baseerat/engine';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentTypeOf, REPORT_FORMATS, ReportArchive, type ArchivedReport, type ReportFormat } from '../../report/archive.js';
import { REPORT_LANGUAGES, SECTION_IDS } from '../../report/model.js';
import { generateReport } from '../../report/report-service.js';
import type { SecurityLabel } from '../../security/security-label.js';
import type { ApiDeps } from '../context.js';
import { scopedFilter } from '../need-to-know.js';
import { authOf } from '../plugins/auth.js';
import { PROBLEMS, ProblemSchema } from '../plugins/problem-json.js';

const ArchivedReportSchema = z.object({
  id: z.string(), template: z.string(), period: z.string(), lang: z.string(), province: z.string(), district: z.string().nullable(),
  classification: ClassificationSchema, districts: z.array(z.string()), title: z.string(), formats: z.array(z.enum(REPORT_FORMATS)),
  generatedBy: z.string(), generatedAt: z.string(), schedule: z.string().nullable(),
}).meta({ id: 'ArchivedReport' });

const GenerateBodySchema = z.strictObject({
  template: z.enum(['weekly', 'monthly', 'custom']),
  period: z.string().describe('YYYY-MM for monthly, YYYY-Www (ISO week) for weekly; custom takes either'),
  sections: z.array(z.enum(SECTION_IDS)).min(1).optional().describe('custom reports: the sections wanted (the executive summary and methods notes are always in)'),
  province: z.string().optional(),
  district: z.string().optional().describe('district edition: only this district\'s incidents'),
  lang: z.enum(REPORT_LANGUAGES).optional(),
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).optional().describe('default pdf, html, xlsx (json is always archived)'),
});

export const labelOf = (r: Pick<ArchivedReport, 'classification' | 'districts'>): SecurityLabel => ({ classification: r.classification, compartments: [], districts: [...r.districts].sort() });

export const reportRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps; now: () => Date }> = async (app, { deps, now }) => {
  let archive: Promise<ReportArchive> | undefined;
  const open = (): Promise<ReportArchive> => {
    if (deps.reportsDir === undefined) throw new BaseeratError('NOT_FOUND', 'reports are not configured on this server (serve --reports-dir)', { field: 'reportsDir' });
    archive ??= ReportArchive.open(deps.reportsDir, now());
    return archive;
  };
  app.addHook('onClose', async () => { if (archive !== undefined) await (await archive).close(); });

  app.get('/api/reports', {
    schema: { tags: ['reports'], summary: 'Archived reports the user may read (newest first)', response: { 200: z.object({ reports: z.array(ArchivedReportSchema) }), ...PROBLEMS, 404: ProblemSchema } },
  }, async (req) => {
    const { authz } = authOf(req);
    const a = await open();
    const all = await a.list();
    return { reports: all.filter((r) => authz.can('runAnalysis', { kind: 'Aggregate', id: `report:${r.id}`, label: labelOf(r) })) };
  });

  app.post('/api/reports', {
    config: { rateLimit: 'heavy' },
    schema: {
      tags: ['reports'], summary: 'Generate and archive a weekly brief or monthly assessment (province or district edition)', body: GenerateBodySchema,
      response: { 201: ArchivedReportSchema, ...PROBLEMS, 404: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req, reply) => {
    const { gate, principal } = authOf(req);
    const t = now();
    const body = req.body;
    const a = await open();
    // the classification ceiling and the district scope, as for analyses (out-of-scope districts are audited denials)
    const scoped = await scopedFilter(gate, authOf(req).authz, { districts: body.district === undefined ? undefined : [body.district] }, {}, t);
    const scopeDistricts = scoped.districts;
    if (body.district === undefined && scopeDistricts !== undefined) {
      throw new BaseeratError('VALIDATION', 'your access is limited to some districts: give the district of the edition', { field: 'district' });
    }
    const gen = await generateReport({ store: deps.store, geography: deps.geography }, {
      template: body.template, period: body.period, generatedBy: principal.id, now: t,
      ...(body.province === undefined ? {} : { province: body.province }),
      ...(body.district === undefined ? {} : { district: body.district }),
      ...(body.lang === undefined ? {} : { lang: body.lang }),
      ...(body.sections === undefined ? {} : { sections: body.sections }),
      // The server's terrain layers, so the report's risk outlook equals GET /api/risk on this server.
      ...(deps.riskLayers === undefined ? {} : { riskLayers: deps.riskLayers }),
      ...(scoped.maxClassification === undefined || scoped.maxClassification === 'SECRET' ? {} : { maxClassification: scoped.maxClassification }),
      formats: body.formats ?? ['pdf', 'html', 'xlsx'],
      archive: a,
      authorize: async (model) => {
        const label = labelOf(model);
        if (!(await gate.check('generateReport', { kind: 'Aggregate', id: `report:${model.template}:${model.period.label}`, label }, t))) {
          throw new BaseeratError('FORBIDDEN', `role ${principal.role} with clearance ${principal.clearance} may not generate a report labelled ${label.classification} over ${label.districts.join(', ') || '(none)'}`, { field: 'role' });
        }
      },
    });
    const r = gen.archived!;
    await deps.security.audit.record({
      actor: principal.id, action: 'report.generate', target: r.id, from: req.ip, outcome: 'success',
      details: { template: r.template, period: r.period, district: r.district, lang: r.lang, classification: r.classification, formats: r.formats.join(',') },
    }, t);
    return reply.code(201).send(r);
  });

  app.get('/api/reports/:file', {
    schema: {
      tags: ['reports'], summary: 'One report: the model as JSON (`rpt_...`) or a file (`rpt_....pdf`, `.xlsx`, `.html`, `.json`); audited',
      params: z.object({ file: z.string().regex(/^rpt_[a-z0-9]+(\.(pdf|xlsx|html|json))?$/, 'rpt_<id> with an optional .pdf, .xlsx, .html or .json') }),
      response: { ...PROBLEMS, 404: ProblemSchema },
    },
  }, async (req, reply) => {
    const { gate, principal } = authOf(req);
    const t = now();
    const [id, ext] = req.params.file.split('.') as [string, string | undefined];
    const a = await open();
    const r = await a.get(id);
    if (r === undefined) throw new BaseeratError('NOT_FOUND', `no report ${id}`, { field: 'id' });
    if (!(await gate.check('runAnalysis', { kind: 'Aggregate', id: `report:${id}`, label: labelOf(r) }, t))) {
      throw new BaseeratError('FORBIDDEN', `report ${id} is labelled ${r.classification} over ${r.districts.join(', ')}: outside your clearance or region`, { field: 'id' });
    }
    const format = (ext ?? 'json') as ReportFormat;
    const bytes = a.readFile(id, format);
    if (bytes === undefined) throw new BaseeratError('NOT_FOUND', `report ${id} has no ${format} file (formats: ${r.formats.join(', ')})`, { field: 'format' });
    await a.recordOpen({ reportId: id, openedBy: principal.id, openedAt: t.toISOString(), format });
    await deps.security.audit.record({ actor: principal.id, action: 'data.read', target: `report:${id}`, from: req.ip, outcome: 'success', details: { format, classification: r.classification } }, t);
    void reply.header('content-type', contentTypeOf(format));
    // Files are downloads, not pages of the API's origin; the HTML's own <style> gets this response's
    // CSP nonce so that it also displays styled if a browser renders it (the report has no script).
    if (format !== 'json') void reply.header('content-disposition', `attachment; filename="${id}.${format}"`);
    if (format === 'html') return reply.send(Buffer.from(bytes.toString('utf8').replace(/<style>/g, `<style nonce="${req.cspNonce}">`)) as never);
    return reply.send(bytes as never);
  });
};
