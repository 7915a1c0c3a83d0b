import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  NotFoundError,
  type ActorRef,
  type LeadRecalculationView,
  type ScoringJobView,
} from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { ScoringConfig } from '../config/scoring.config';
import { ExpiryService } from '../scoring/expiry.service';
import { RecalculationService } from '../scoring/recalculation.service';
import { JobRepository, type JobProgress, type JobRow } from './job.repository';
import { DailyLocalTime } from './local-schedule';

/** A running job whose instance has not beaten for this long is taken over by another (or a restarted) one. */
const STALE_JOB_SECONDS = 120;
const TAKE_OVER_CHECK_MS = 60_000;
const SCHEDULER: ActorRef = { type: 'system', id: null, name: 'expiry schedule' };

/**
 * Background scoring jobs: recalculation of all leads and expiry, each a row in `jobs` with its progress, run a
 * batch of leads per transaction so live scoring only ever waits for one short batch. Expiry also runs daily at
 * SCORING_EXPIRY_TIME (02:00 Europe/Berlin): every instance has the timer, the job's unique slot lets exactly
 * one of them run it, and an instance that starts after a slot it missed runs it then. A job whose instance
 * died is taken over from its last committed batch. At shutdown, jobs stop after their current batch.
 */
@Injectable()
export class ScoringJobsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  private scheduleTimer?: NodeJS.Timeout;
  private takeOverTimer?: NodeJS.Timeout;
  private readonly schedule?: DailyLocalTime;

  constructor(
    private readonly jobs: JobRepository,
    private readonly recalculation: RecalculationService,
    private readonly expiry: ExpiryService,
    private readonly config: ScoringConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('scoring-jobs');
    if (config.SCORING_EXPIRY_TIME !== 'off') {
      this.schedule = DailyLocalTime.parse(config.SCORING_EXPIRY_TIME, config.SCORING_EXPIRY_TIME_ZONE);
    }
  }

  onApplicationBootstrap(): void {
    if (this.schedule) {
      this.scheduleNextExpiry();
      this.background('missed expiry slot', () =>
        this.runScheduledExpiry(this.schedule!.previous(new Date())),
      );
    }
    this.background('stale job take-over', () => this.takeOverStaleJobs());
    this.takeOverTimer = setInterval(
      () => this.background('stale job take-over', () => this.takeOverStaleJobs()),
      TAKE_OVER_CHECK_MS,
    );
    this.takeOverTimer.unref();
  }

  /** Before the database closes: no new job or batch; the batches under way commit. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.scheduleTimer);
    clearInterval(this.takeOverTimer);
    await Promise.all(this.running);
  }

  /** `POST /scoring/leads/:leadId/recalculate`: one lead, at once. */
  async recalculateLead(leadId: string): Promise<LeadRecalculationView> {
    const [result] = await this.recalculation.recalculateLeads([leadId]);
    return {
      lead_id: result.leadId,
      old_score: result.before.totals.total,
      new_scores: result.after.totals,
      score_tier: result.after.tier,
      changed: result.changed,
      replayed: result.replayed,
    };
  }

  /** `POST /scoring/recalculate`: every lead scoring knows, in the background. */
  async startRecalculation(actor: ActorRef): Promise<{ job_id: string; leads_queued: number }> {
    const total = await this.jobs.countLeads();
    const job = (await this.jobs.create({ kind: 'recalculation', slot: null, requestedBy: actor, total }))!;
    this.launch(job);
    return { job_id: job.id, leads_queued: total };
  }

  /** `POST /scoring/expire`: expiry now, in the background. */
  async startExpiry(actor: ActorRef): Promise<{ job_id: string }> {
    const job = (await this.jobs.create({ kind: 'expiry', slot: null, requestedBy: actor, total: 0 }))!;
    this.launch(job);
    return { job_id: job.id };
  }

  async getJob(id: string): Promise<ScoringJobView> {
    const job = await this.jobs.find(id);
    if (!job) throw new NotFoundError('ScoringJob', id);
    return toJobView(job);
  }

  private scheduleNextExpiry(): void {
    if (this.stopping) return;
    const at = this.schedule!.next(new Date());
    // setTimeout takes at most ~24.8 days; a day is well within.
    this.scheduleTimer = setTimeout(() => {
      this.background('scheduled expiry', () => this.runScheduledExpiry(at));
      this.scheduleNextExpiry();
    }, at.getTime() - Date.now());
    this.scheduleTimer.unref();
  }

  /** Runs the expiry of the slot at `at` unless an instance already took it. */
  private async runScheduledExpiry(at: Date): Promise<void> {
    const slot = `expiry:${this.schedule!.localDateOf(at)}`;
    const job = await this.jobs.create({ kind: 'expiry', slot, requestedBy: SCHEDULER, total: 0 });
    if (job) {
      this.log.info({ job_id: job.id, slot }, 'scheduled expiry started');
      this.launch(job);
    }
  }

  private async takeOverStaleJobs(): Promise<void> {
    if (this.stopping) return;
    for (const job of await this.jobs.takeOverStale(STALE_JOB_SECONDS)) {
      this.log.warn(
        { job_id: job.id, kind: job.kind, done: job.done },
        'taking over a job whose instance stopped',
      );
      this.launch(job);
    }
  }

  private launch(job: JobRow): void {
    const run = this.run(job).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async run(job: JobRow): Promise<void> {
    try {
      const finished =
        job.kind === 'recalculation' ? await this.runRecalculation(job) : await this.runExpiry(job);
      if (finished) await this.jobs.finish(job.id, 'succeeded');
      this.log.info(
        { job_id: job.id, kind: job.kind, finished },
        finished ? 'job done' : 'job paused for shutdown',
      );
    } catch (error) {
      this.log.error({ err: error, job_id: job.id, kind: job.kind }, 'job failed');
      await this.jobs
        .finish(job.id, 'failed', (error as Error).message ?? String(error))
        .catch((e: unknown) =>
          this.log.error({ err: e, job_id: job.id }, 'could not record the job failure'),
        );
    }
  }

  /** Walks every lead from the job's cursor, a batch per transaction; false when stopped before the end. */
  private async runRecalculation(job: JobRow): Promise<boolean> {
    const progress: JobProgress = {
      done: job.done,
      changed: job.changed,
      skipped: job.skipped,
      cursor: job.cursor,
    };
    for (;;) {
      if (this.stopping) return false;
      const page = await this.jobs.leadPage(progress.cursor, this.config.SCORING_JOB_BATCH_SIZE);
      if (!page.length) return true;
      const results = await this.recalculation.recalculateLeads(page);
      progress.done += page.length;
      progress.changed += results.filter((r) => r.changed).length;
      progress.skipped += results.filter((r) => !r.replayed).length;
      progress.cursor = page[page.length - 1];
      await this.jobs.progress(job.id, progress);
    }
  }

  /** Expires everything due at the job's start, a batch of leads per transaction. */
  private async runExpiry(job: JobRow): Promise<boolean> {
    const now = new Date();
    const progress: JobProgress = { done: job.done, changed: job.changed, skipped: 0, cursor: null };
    for (;;) {
      if (this.stopping) return false;
      const { leads, changed } = await this.expiry.expireNextLeads(now, this.config.SCORING_JOB_BATCH_SIZE);
      if (!leads) return true;
      progress.done += leads;
      progress.changed += changed;
      await this.jobs.progress(job.id, progress);
    }
  }

  /** Timer work never throws into the event loop: a failure is logged; the next timer or instance retries. */
  private background(what: string, work: () => Promise<void>): void {
    if (this.stopping) return;
    const run = work()
      .catch((error: unknown) => this.log.error({ err: error }, `${what} failed`))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}

function toJobView(job: JobRow): ScoringJobView {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    scheduled: job.slot !== null,
    progress: { total: job.total, done: job.done, changed: job.changed, skipped: job.skipped },
    requested_by: job.requested_by,
    error: job.error,
    started_at: job.started_at.toISOString(),
    finished_at: job.finished_at?.toISOString() ?? null,
  };
}
