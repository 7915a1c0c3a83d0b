import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'organizations' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  /** lowercase, without scheme or `www.`. */
  @Column({ type: 'varchar', length: 255, nullable: true }) domain: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) industry: string | null;
  @Column({ name: 'company_size', type: 'varchar', length: 50, nullable: true }) companySize: string | null;
  @Column({ type: 'varchar', length: 2, nullable: true }) country: string | null;
  @Column({ name: 'portal_id', type: 'varchar', length: 100, nullable: true }) portalId: string | null;
  @Column({ name: 'moco_id', type: 'varchar', length: 50, nullable: true }) mocoId: string | null;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) metadata: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
