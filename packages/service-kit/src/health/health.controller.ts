import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { SERVICE_NAME } from '../config/config.module';
import { HealthRegistry } from './health.registry';

interface ReplyLike {
  status(code: number): ReplyLike;
  send(body: unknown): unknown;
}

const startedAt = Date.now();

/** `/health` (the process lives) and `/ready` (its database and broker work) on the service's own port. */
@Controller()
export class HealthController {
  constructor(
    private readonly registry: HealthRegistry,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get('health')
  @HttpCode(200)
  health() {
    return {
      status: 'ok',
      service: this.service,
      timestamp: new Date().toISOString(),
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    };
  }

  @Get('ready')
  async ready(@Res() reply: ReplyLike) {
    const checks = await this.registry.run();
    const ready = Object.values(checks).every(Boolean);
    return reply.status(ready ? 200 : 503).send({ ready, service: this.service, checks });
  }
}
