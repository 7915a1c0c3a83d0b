import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Public } from '../auth/auth.decorators';
import { GatewayConfig } from '../config/gateway.config';
import { API_PREFIX } from '../http/api-prefix';
import { appVersion } from '../health/app-version';
import { statusPageHtml } from './status-page';
import { findWebDist } from './web-dist';

interface ReplyLike {
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/** `/` serves the web UI (its other files are served statically, see main.ts); `/api/v1` is the API index. */
@Public()
@Controller()
export class WebUiController {
  private readonly version = appVersion();

  constructor(private readonly config: GatewayConfig) {}

  /** The web UI's page, not part of the API (the OpenAPI document leaves it out). */
  @Get()
  @ApiExcludeEndpoint()
  async index(@Res() reply: ReplyLike): Promise<void> {
    const dist = findWebDist(this.config.WEB_DIST_DIR);
    const html = dist ? await readFile(join(dist, 'index.html'), 'utf8') : statusPageHtml(this.version);
    reply.header('Content-Type', 'text/html; charset=utf-8').send(html);
  }

  @Get(API_PREFIX)
  @Header('Cache-Control', 'no-store')
  apiIndex(): { name: string; version: string; docs: string } {
    return { name: 'DNA Marketing Engine', version: this.version, docs: '/docs' };
  }
}
