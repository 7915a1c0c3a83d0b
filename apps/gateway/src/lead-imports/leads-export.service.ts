import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ExportLeadsQuery, Queries, ValidationFailedError, type LeadView } from '@crm/contracts';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';
import { csvHeader, csvRows } from './lead-csv';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface ExportChunk {
  data: LeadView[];
  next_cursor: string | null;
}

/** Paging and sorting of `GET /leads` mean nothing to an export (every match, in id order). */
const IGNORED_PARAMS = ['page', 'limit', 'sort_by', 'sort_order', '_sort', '_order', '_page', '_limit'];

/**
 * `GET /leads/export` (api.md §5, added): every lead matching the `GET /leads` filters, fetched from leads a chunk
 * at a time and streamed as it arrives, so a large export never sits in memory whole.
 */
@Injectable()
export class LeadsExportService {
  constructor(private readonly rpc: GatewayRpc) {}

  /** Validates, reads the first chunk (so a bad filter or an absent leads service is a proper error response). */
  async export(query: unknown): Promise<{ format: ExportFormat; stream: Readable }> {
    const params: Record<string, unknown> = { ...(query as object) };
    const format = (params.format ?? 'csv') as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) {
      throw new ValidationFailedError([
        { path: 'format', message: 'format must be one of: csv, json', code: 'isIn' },
      ]);
    }
    for (const key of ['format', 'cursor', 'chunk_size', ...IGNORED_PARAMS]) delete params[key];
    const filters = validateInput(ExportLeadsQuery, params);
    const first = await this.chunk(filters, undefined);
    return { format, stream: Readable.from(this.render(format, filters, first)) };
  }

  private async *render(format: ExportFormat, filters: ExportLeadsQuery, first: ExportChunk) {
    yield format === 'csv' ? csvHeader() : '{"data":[';
    let chunk = first;
    let written = 0;
    for (;;) {
      if (chunk.data.length) {
        if (format === 'csv') yield csvRows(chunk.data);
        else yield (written ? ',' : '') + chunk.data.map((lead) => JSON.stringify(lead)).join(',');
        written += chunk.data.length;
      }
      if (!chunk.next_cursor) break;
      chunk = await this.chunk(filters, chunk.next_cursor);
    }
    if (format === 'json') yield ']}';
  }

  private chunk(filters: ExportLeadsQuery, cursor: string | undefined): Promise<ExportChunk> {
    return this.rpc.request(Queries.LeadsExportLeads, { ...filters, ...(cursor ? { cursor } : {}) });
  }
}
