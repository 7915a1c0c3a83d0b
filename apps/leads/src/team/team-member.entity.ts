import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MemberRole } from '@crm/contracts';

/** A member of the sales and marketing team (api.md §14). Credentials live in the gateway. */
@Entity({ name: 'team_members' })
export class TeamMemberEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 255 }) email: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'varchar', length: 30 }) role: MemberRole;
  @Column({ type: 'varchar', length: 50, nullable: true }) region: string | null;
  @Column({ name: 'is_active', type: 'boolean', default: true }) isActive: boolean;
  /** Caps the member's open deals (routing's capacity). */
  @Column({ name: 'max_leads', type: 'int', default: 50 }) maxLeads: number;
  @Column({ type: 'varchar', length: 512, nullable: true }) avatar: string | null;
  /** Part of the sample team a development start adds (never in production). */
  @Column({ name: 'development_seed', type: 'boolean', default: false }) developmentSeed: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
