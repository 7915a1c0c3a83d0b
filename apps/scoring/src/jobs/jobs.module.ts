import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { JobRepository } from './job.repository';
import { ScoringJobsMessageController } from './scoring-jobs.message-controller';
import { ScoringJobsService } from './scoring-jobs.service';

/** Background scoring jobs: recalculation and expiry (scheduled daily, and on demand). */
@Module({
  imports: [ScoringModule],
  controllers: [ScoringJobsMessageController],
  providers: [JobRepository, ScoringJobsService],
})
export class JobsModule {}
