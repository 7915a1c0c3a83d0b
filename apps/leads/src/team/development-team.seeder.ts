import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { LeadsConfig } from '../config/leads.config';
import { TeamMemberRepository, type MemberFields } from './team-member.repository';

/**
 * A sample team for development: BDRs in DACH and the UK, AEs, a partnership manager, a marketing manager and an
 * admin, with `@dna-me.test` addresses (a reserved domain: nothing can be sent to them). Added only when the
 * service runs with NODE_ENV=development (the default of `npm start`), never in test or production; rows carry
 * `development_seed`, and an existing member (by email) is left as it is.
 */
export const DEVELOPMENT_TEAM: readonly MemberFields[] = [
  member('Lena Bauer', 'lena.bauer', 'bdr', 'DACH', 40),
  member('Jonas Weber', 'jonas.weber', 'bdr', 'DACH', 40),
  member('Olivia Smith', 'olivia.smith', 'bdr', 'UK', 40),
  member('Max Fischer', 'max.fischer', 'ae', null, 20),
  member('Sophie Klein', 'sophie.klein', 'ae', null, 15),
  member('Paul Richter', 'paul.richter', 'partnership_manager', null, 10),
  member('Mara Hoffmann', 'mara.hoffmann', 'marketing_manager', null, 0),
  member('Admin', 'admin', 'admin', null, 0),
];

@Injectable()
export class DevelopmentTeamSeeder implements OnApplicationBootstrap {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly members: TeamMemberRepository,
    private readonly config: LeadsConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('development-team');
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.NODE_ENV !== 'development') return;
    const added = await this.tx.transaction(async () => {
      let count = 0;
      for (const fields of DEVELOPMENT_TEAM) if (await this.members.insert(fields, true)) count++;
      return count;
    });
    if (added) this.log.info({ added }, 'development team seeded (NODE_ENV=development only)');
  }
}

function member(
  name: string,
  local: string,
  role: MemberFields['role'],
  region: string | null,
  maxLeads: number,
): MemberFields {
  return { email: `${local}@dna-me.test`, name, role, region, isActive: true, maxLeads, avatar: null };
}
