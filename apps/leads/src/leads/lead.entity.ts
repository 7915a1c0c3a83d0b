import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ScoreTier } from '@crm/contracts';
import { OrganizationEntity } from './organization.entity';

export interface IntentSummary {
  research: number;
  b2b: number;
  co_creation: number;
}

@Entity({ name: 'leads' })
export class LeadEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** lowercase; null only for leads known so far by an external id. */
  @Column({ type: 'varchar', length: 255, nullable: true }) email: string | null;
  @Column({ name: 'first_name', type: 'varchar', length: 100, nullable: true }) firstName: string | null;
  @Column({ name: 'last_name', type: 'varchar', length: 100, nullable: true }) lastName: string | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) phone: string | null;
  @Column({ name: 'job_title', type: 'varchar', length: 150, nullable: true }) jobTitle: string | null;

  @Column({ name: 'organization_id', type: 'uuid', nullable: true }) organizationId: string | null;
  @ManyToOne(() => OrganizationEntity, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity | null;

  @Column({ type: 'varchar', length: 20, default: 'new' }) status: string;
  @Column({ name: 'lifecycle_stage', type: 'varchar', length: 20, default: 'lead' }) lifecycleStage: string;

  // Read model of scoring (scoring.lead.scored), applied only when `scoreVersion` grows.
  @Column({ name: 'demographic_score', type: 'int', default: 0 }) demographicScore: number;
  @Column({ name: 'engagement_score', type: 'int', default: 0 }) engagementScore: number;
  @Column({ name: 'behavior_score', type: 'int', default: 0 }) behaviorScore: number;
  @Column({ name: 'total_score', type: 'int', default: 0 }) totalScore: number;
  @Column({ name: 'score_tier', type: 'varchar', length: 10, default: 'cold' }) scoreTier: ScoreTier;
  @Column({ name: 'score_version', type: 'int', default: 0 }) scoreVersion: number;
  /** Grows with every change of a field fit rules read (lead.profile_changed carries it). */
  @Column({ name: 'profile_version', type: 'int', default: 0 }) profileVersion: number;
  @Column({ name: 'scored_at', type: 'timestamptz', nullable: true }) scoredAt: Date | null;

  @Column({ name: 'pipeline_id', type: 'uuid', nullable: true }) pipelineId: string | null;
  @Column({ name: 'routing_status', type: 'varchar', length: 20, default: 'unrouted' }) routingStatus: string;
  @Column({ name: 'routed_at', type: 'timestamptz', nullable: true }) routedAt: Date | null;
  /** The total score when the lead was routed (the routing-effectiveness report). */
  @Column({ name: 'routed_score', type: 'int', nullable: true }) routedScore: number | null;
  /** Why the lead waits for a person (routing_status `manual_review`), and since when. */
  @Column({ name: 'manual_review_reason', type: 'varchar', length: 20, nullable: true })
  manualReviewReason: string | null;
  @Column({ name: 'manual_review_at', type: 'timestamptz', nullable: true }) manualReviewAt: Date | null;
  @Column({ name: 'primary_intent', type: 'varchar', length: 20, nullable: true }) primaryIntent:
    string | null;
  @Column({ name: 'intent_confidence', type: 'int', nullable: true }) intentConfidence: number | null;
  @Column({ name: 'intent_summary', type: 'jsonb' }) intentSummary: IntentSummary;

  @Column({ name: 'first_touch_source', type: 'varchar', length: 100, nullable: true }) firstTouchSource:
    string | null;
  @Column({ name: 'first_touch_campaign', type: 'varchar', length: 100, nullable: true })
  firstTouchCampaign: string | null;
  @Column({ name: 'first_touch_date', type: 'timestamptz', nullable: true }) firstTouchDate: Date | null;
  @Column({ name: 'last_touch_source', type: 'varchar', length: 100, nullable: true }) lastTouchSource:
    string | null;
  @Column({ name: 'last_touch_campaign', type: 'varchar', length: 100, nullable: true })
  lastTouchCampaign: string | null;
  @Column({ name: 'last_touch_date', type: 'timestamptz', nullable: true }) lastTouchDate: Date | null;

  @Column({ name: 'portal_id', type: 'varchar', length: 100, nullable: true }) portalId: string | null;
  @Column({ name: 'waalaxy_id', type: 'varchar', length: 100, nullable: true }) waalaxyId: string | null;
  @Column({ name: 'linkedin_url', type: 'varchar', length: 255, nullable: true }) linkedinUrl: string | null;
  @Column({ name: 'lemlist_id', type: 'varchar', length: 100, nullable: true }) lemlistId: string | null;

  @Column({ name: 'consent_date', type: 'timestamptz', nullable: true }) consentDate: Date | null;
  @Column({ name: 'consent_source', type: 'varchar', length: 100, nullable: true }) consentSource:
    string | null;
  @Column({ name: 'gdpr_delete_requested', type: 'timestamptz', nullable: true })
  gdprDeleteRequested: Date | null;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) metadata: Record<string, unknown>;
  @Column({ name: 'last_activity', type: 'timestamptz', nullable: true }) lastActivity: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
