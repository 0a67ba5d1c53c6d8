import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { Registry } from 'prom-client';
import { Public } from '@map-offline/auth';
import { handleHealthRequest, Readiness } from '@map-offline/observability';
import { METRICS_REGISTRY } from '@map-offline/runtime';
import { GATEWAY_READINESS } from './readiness.token';

/** /healthz, /readyz and /metrics on the gateway's port, answered by the same code as the workers'. */
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(GATEWAY_READINESS) private readonly readiness: Readiness,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  @Get(['healthz', 'readyz', 'metrics'])
  async probe(@Req() request: Request, @Res() response: Response): Promise<void> {
    await handleHealthRequest(request, response, { readiness: this.readiness, registry: this.registry });
  }
}
