import { Module } from '@nestjs/common';
import { LeadImportProgress } from './lead-import-progress';
import { LeadImportRepository } from './lead-import.repository';
import { LeadImportsMessageController } from './lead-imports.message-controller';
import { LeadImportsService } from './lead-imports.service';
import { LeadNoteRepository } from './lead-note.repository';

/** Bulk import batches and lead notes (api.md §4.4, §5 timeline). Ingest counts the rows through LeadImportProgress. */
@Module({
  controllers: [LeadImportsMessageController],
  providers: [LeadImportRepository, LeadNoteRepository, LeadImportProgress, LeadImportsService],
  exports: [LeadImportProgress, LeadNoteRepository],
})
export class LeadImportsModule {}
