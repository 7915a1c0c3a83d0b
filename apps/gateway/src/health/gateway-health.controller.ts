import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '../auth/auth.decorators';
import { NoRateLimit } from '../rate-limits/rate-limit.guard';
import { GatewayHealthService } from './gateway-health.service';
import { ApiResponse } from '@nestjs/swagger';

interface ReplyLike {
  status(code: number): ReplyLike;
  send(body: unknown): unknown;
}

/** api.md §2: public, outside /api/v1. */
@Public()
@NoRateLimit()
@Controller()
export class GatewayHealthController {
  constructor(private readonly healthService: GatewayHealthService) {}

  @Get('health')
  @ApiResponse({ status: 200, description: 'ok or degraded' })
  @ApiResponse({ status: 503, description: "The gateway's own database or NATS is down" })
  async health(@Res() reply: ReplyLike): Promise<void> {
    const report = await this.healthService.health();
    reply.status(report.httpStatus).send(report.body);
  }

  @Get('ready')
  @ApiResponse({ status: 200, description: 'Ready' })
  @ApiResponse({ status: 503, description: 'Not ready' })
  async ready(@Res() reply: ReplyLike): Promise<void> {
    const report = await this.healthService.readiness();
    reply.status(report.httpStatus).send(report.body);
  }
}
