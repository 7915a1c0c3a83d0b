import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Subjects, type IngestImportContext } from '@crm/contracts';
import type { OutboxMessage } from '@crm/messaging';
import {
  LeadImportRepository,
  type ImportBatchRow,
  type ImportItemRow,
  type ImportOutcome,
} from './lead-import.repository';
import { LeadNoteRepository, type LeadNoteRow } from './lead-note.repository';

/** One import row as the ingest batch resolved it. */
export interface ImportRowResult {
  context: IngestImportContext;
  email: string | null;
  outcome: ImportOutcome;
  leadId: string | null;
  error?: { code: string; message: string };
}

/**
 * The import side of an ingest batch (api.md §4.4), in the ingest transaction: notes of the rows that reached
 * their lead, each row counted once in its batch, and `lead_import.completed` for every batch that the rows
 * complete.
 */
@Injectable()
export class LeadImportProgress {
  constructor(
    private readonly imports: LeadImportRepository,
    private readonly notes: LeadNoteRepository,
  ) {}

  /** The import rows among `contexts` that an earlier delivery processed already (`batchId:batchIndex`). */
  processedAlready(contexts: readonly IngestImportContext[]): Promise<Set<string>> {
    return this.imports.findProcessed(
      contexts.map((c) => ({ batchId: c.batch_id, batchIndex: c.batch_index })),
    );
  }

  async record(rows: readonly ImportRowResult[], now: Date): Promise<OutboxMessage[]> {
    if (!rows.length) return [];
    await this.notes.insertMany(rows.flatMap((row) => noteOf(row, now)));
    const completed = await this.imports.recordItems(rows.map(itemRowOf));
    return completed.map(completedMessage);
  }
}

function noteOf({ context, outcome, leadId }: ImportRowResult, now: Date): LeadNoteRow[] {
  // A skipped lead stays untouched, and a failed row has no lead: only created and updated leads get the note.
  if (!context.message?.trim() || !leadId || (outcome !== 'created' && outcome !== 'updated')) return [];
  return [
    {
      id: randomUUID(),
      leadId,
      noteType: 'imported',
      content: context.message,
      source: context.source,
      batchId: context.batch_id,
      createdAt: now,
    },
  ];
}

function itemRowOf(row: ImportRowResult): ImportItemRow {
  return {
    batchId: row.context.batch_id,
    batchIndex: row.context.batch_index,
    outcome: row.outcome,
    leadId: row.leadId,
    email: row.outcome === 'failed' ? row.email : null,
    errorCode: row.error?.code ?? null,
    errorMessage: row.error?.message ?? null,
  };
}

function completedMessage(batch: ImportBatchRow): OutboxMessage {
  return {
    subject: Subjects.LeadImportCompleted,
    data: {
      batch_id: batch.batchId,
      source: batch.source,
      total_leads: batch.totalLeads,
      created: batch.created,
      updated: batch.updated,
      skipped: batch.skipped,
      failed: batch.failed,
    },
  };
}
