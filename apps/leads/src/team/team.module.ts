import { Module } from '@nestjs/common';
import { DevelopmentTeamSeeder } from './development-team.seeder';
import { TeamMemberRepository } from './team-member.repository';
import { TeamMessageController } from './team.message-controller';
import { TeamService } from './team.service';

/** The team members routing assigns owners from (api.md §14). */
@Module({
  controllers: [TeamMessageController],
  providers: [TeamMemberRepository, TeamService, DevelopmentTeamSeeder],
  exports: [TeamService, TeamMemberRepository],
})
export class TeamModule {}
